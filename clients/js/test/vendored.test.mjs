// The relay serves src/SfaMirror.Server/wwwroot/lib/sfa-mirror-client.js to the browser console; it must
// be the current build of this client (`npm run vendor` writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { vendoredPath, vendoredText } from '../scripts/vendor.mjs';

test('the vendored browser copy is the current build (run npm run vendor)', () => {
  assert.ok(existsSync(vendoredPath), `${vendoredPath} is missing`);
  const committed = readFileSync(vendoredPath, 'utf8');
  assert.ok(committed === vendoredText(), 'the vendored copy differs from a fresh build: run `npm run vendor` in clients/js and commit it');
});

test('the vendored copy is a standalone ES module exporting MirrorClient and MirrorError', async () => {
  const module = await import(vendoredPath);
  assert.equal(typeof module.MirrorClient, 'function');
  assert.equal(typeof module.MirrorError, 'function');
  assert.doesNotMatch(readFileSync(vendoredPath, 'utf8'), /^\s*import\s/m);
});
