// The relay serves src/SfaMirror.Server/wwwroot/lib/sfa-mirror-client.js to the browser console; it must
// be the current build of this client (`npm run vendor` writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { vendoredPath, vendoredText, qrVendoredPath, qrVendoredText } from '../scripts/vendor.mjs';

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

test('the vendored QR library is the pinned npm package with its MIT licence header', async () => {
  assert.ok(existsSync(qrVendoredPath), `${qrVendoredPath} is missing`);
  const committed = readFileSync(qrVendoredPath, 'utf8');
  assert.ok(committed === qrVendoredText(), 'the vendored QR library differs: run `npm run vendor` in clients/js and commit it');
  assert.match(committed, /Licensed under the MIT license/);
  const { default: qrcode } = await import(qrVendoredPath);
  const qr = qrcode(0, 'M');
  qr.addData('http://127.0.0.1/?join=abc#k=def&g=0');
  qr.make();
  assert.ok(qr.getModuleCount() >= 21);
});
