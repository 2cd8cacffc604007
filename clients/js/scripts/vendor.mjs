// Copies the built client (dist/index.js) to where the relay serves it to the browser console:
// src/SfaMirror.Server/wwwroot/lib/sfa-mirror-client.js. `npm run vendor` builds first.
// test/vendored.test.mjs fails when the committed copy differs from what this produces.
// It also copies the QR code library the console draws join links with (qrcode-generator, MIT, its licence
// header kept at the top of the file) to wwwroot/lib/qrcode-generator.js: an encrypted session's link holds
// the content key in its fragment, so its QR code must be drawn in the browser, never by the server.
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

export const qrSourcePath = resolve(root, 'node_modules/qrcode-generator/dist/qrcode.mjs');
export const qrVendoredPath = resolve(root, '../../src/SfaMirror.Server/wwwroot/lib/qrcode-generator.js');

/** What the vendored QR library must hold: the npm package's ES module, its MIT header first. */
export function qrVendoredText() {
  const version = JSON.parse(readFileSync(resolve(root, 'node_modules/qrcode-generator/package.json'), 'utf8')).version;
  return `// qrcode-generator ${version} (npm, MIT licence, header below), copied by \`npm run vendor\` in clients/js.\n` + readFileSync(qrSourcePath, 'utf8');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(vendoredPath), { recursive: true });
  writeFileSync(vendoredPath, vendoredText());
  console.log(`wrote ${vendoredPath}`);
  writeFileSync(qrVendoredPath, qrVendoredText());
  console.log(`wrote ${qrVendoredPath}`);
}
