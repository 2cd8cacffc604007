// Copies the built client (dist/index.js) to where the relay serves it to the browser console:
// src/SfaMirror.Server/wwwroot/lib/sfa-mirror-client.js. `npm run vendor` builds first.
// test/vendored.test.mjs fails when the committed copy differs from what this produces.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distPath = resolve(root, 'dist/index.js');
export const vendoredPath = resolve(root, '../../src/SfaMirror.Server/wwwroot/lib/sfa-mirror-client.js');

const header =
  '// sfa-mirror-client, built from clients/js/src/index.ts by `npm run vendor` in clients/js.\n' +
  '// Do not edit: change the source and run `npm run vendor` again.\n';

/** What the vendored file must hold for the current build. */
export function vendoredText() {
  return header + readFileSync(distPath, 'utf8');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(vendoredPath), { recursive: true });
  writeFileSync(vendoredPath, vendoredText());
  console.log(`wrote ${vendoredPath}`);
}
