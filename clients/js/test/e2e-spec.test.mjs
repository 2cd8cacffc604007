// The client against a second, independent writing of docs/security.md: a bare viewer that does the
// protocol with node:crypto (OpenSSL, not WebCrypto), as another implementation (the .NET client) would.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createHash, hkdfSync, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { startRelay } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { rawMember } from './helpers/raw.mjs';
import { nextEvent } from './helpers/wait.mjs';

const T = { timeout: 15000 };
let relay;
const clients = clientFactory();
const cleanups = [];

before(async () => {
  relay = await startRelay();
});
after(async () => {
  clients.closeAll();
  await relay?.stop();
});
afterEach(async () => {
  clients.closeAll();
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const unb64u = (text) => Buffer.from(text, 'base64url');

function gcmOpen(key, iv, ct, ad) {
  const d = createDecipheriv('aes-256-gcm', key, unb64u(iv));
  d.setAAD(Buffer.from(ad, 'utf8'));
  const body = unb64u(ct);
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
}

function gcmSeal(key, plaintext, ad) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(ad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { iv: b64u(iv), ct: b64u(ct) };
}

test('a viewer written with node:crypto pairs with the client, gets the same digits and opens its key and state', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  await host.sendCustomer({ name: 'Ada', n: 12345678901 });
  const viewer = await rawMember(relay.url);
  cleanups.push(() => viewer.close());
  const hostPairing = nextEvent(host, 'pairing');

  viewer.send({ type: 'JOIN_SESSION', sessionId: sessionId.toLowerCase() });
  const pending = await viewer.next((m) => m.type === 'JOIN_PENDING');
  assert.equal(pending.payload.encryption, 'e2e');
  const offer = await viewer.next((m) => m.type === 'SIGNAL' && m.payload.data.e2e === 'offer');
  assert.equal(offer.payload.data.v, 1);
  const ecdh = createECDH('prime256v1');
  const viewerPub = b64u(ecdh.generateKeys());
  const hostPub = offer.payload.data.pub;
  const z = ecdh.computeSecret(unb64u(hostPub));
  const transcript = `sfa-mirror-e2e-v1|${sessionId}|${hostPub}|${viewerPub}`;
  const okm = Buffer.from(hkdfSync('sha256', z, createHash('sha256').update(transcript, 'utf8').digest(), Buffer.from('sfa-mirror-e2e-v1 pair'), 36));
  const pairKey = okm.subarray(0, 32);
  const digits = String(okm.readUInt32BE(32) % 1_000_000).padStart(6, '0');
  viewer.send({ type: 'SIGNAL', payload: { to: offer.payload.from, data: { e2e: 'answer', v: 1, pub: viewerPub } } });

  const [pairing] = await hostPairing;
  assert.equal(pairing.code, digits);
  assert.equal(pairing.memberId, pending.payload.memberId);
  await host.admit(pairing.memberId);

  const keySignal = await viewer.next((m) => m.type === 'SIGNAL' && m.payload.data.e2e === 'key');
  const { g, iv, ct } = keySignal.payload.data;
  assert.equal(g, 0);
  assert.equal(unb64u(iv).length, 12);
  const contentKey = gcmOpen(pairKey, iv, ct, `sfa-mirror-e2e-v1 key|${sessionId}|0`);
  assert.equal(contentKey.length, 32);
  const state = await viewer.next((m) => m.type === 'VIEW_CUSTOMER');
  const plain = gcmOpen(contentKey, state.payload.iv, state.payload.ct, `sfa-mirror-e2e-v1 state|${sessionId}|customer|0`);
  assert.deepEqual(JSON.parse(plain.toString('utf8')), { name: 'Ada', n: 12345678901 });
  assert.throws(() => gcmOpen(contentKey, state.payload.iv, state.payload.ct, `sfa-mirror-e2e-v1 state|${sessionId}|product|0`));

  // And the other way: a state this implementation seals, the client opens.
  const product = nextEvent(host, 'product');
  const box = gcmSeal(contentKey, Buffer.from(JSON.stringify({ sku: 'N-1' }), 'utf8'), `sfa-mirror-e2e-v1 state|${sessionId}|product|0`);
  viewer.send({ type: 'VIEW_PRODUCT', payload: { e2e: 1, g: 0, iv: box.iv, ct: box.ct } });
  assert.deepEqual((await product)[0], { sku: 'N-1' });
});
