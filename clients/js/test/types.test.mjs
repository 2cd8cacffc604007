// The .d.ts that the build emits type-checks the documented usage (test/types/usage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { clientRoot } from './helpers/paths.mjs';

test('the published types accept the documented API with both WebSocket classes', { timeout: 60000 }, () => {
  const tsc = resolve(clientRoot, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', resolve(clientRoot, 'test/types')], { encoding: 'utf8', timeout: 55000 });
  assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});
