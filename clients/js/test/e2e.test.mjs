// End-to-end encrypted sessions (docs/security.md) against the real relay: pairing by comparison and by
// link, sealed state, rekey on kick, and a relay that swaps the ECDH keys.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { rawMember } from './helpers/raw.mjs';
import { startKeySwappingProxy } from './helpers/mitm.mjs';
import { startProxy } from './helpers/proxy.mjs';
import { nextEvent, record, rejectsWithCode, until } from './helpers/wait.mjs';
import { formatJoinLink, parseJoinLink, fromBase64Url } from '../dist/index.js';

const T = { timeout: 20000 };
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

/** A viewer joins, both sides pair, the host admits it; returns the viewer and both comparison strings. */
async function pairAndAdmit(host, joinArgs, url = relay.url) {
  const viewer = clients.make(url);
  const customers = record(viewer, 'customer');
  const products = record(viewer, 'product');
  const hostPairing = nextEvent(host, 'pairing');
  const viewerPairing = nextEvent(viewer, 'pairing');
  const joined = viewer.joinSession(...joinArgs);
  const [hostSide] = await hostPairing;
  const [viewerSide] = await viewerPairing;
  await host.admit(hostSide.memberId);
  return { viewer, joined: await joined, hostSide, viewerSide, customers, products };
}

/** The first value of a recorded event, waiting for it. */
async function firstOf(recorded, what) {
  await until(() => recorded.length > 0, { what });
  return recorded[0][0];
}

/** Opens a sealed state with a raw content key the way security.md says; undefined when it does not open. */
async function openWith(rawKey, code, kind, sealed) {
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['decrypt']);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(sealed.iv), additionalData: new TextEncoder().encode(`sfa-mirror-e2e-v1 state|${code}|${kind}|${sealed.g}`) },
      key,
      fromBase64Url(sealed.ct),
    );
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return undefined;
  }
}

test('host and viewer show the same 6 digits and the admitted viewer opens the customer', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  await host.sendCustomer({ name: 'Ada', vip: true });
  assert.equal(host.encryption, 'e2e');

  const { viewer, joined, hostSide, viewerSide, customers } = await pairAndAdmit(host, [sessionId]);

  assert.match(hostSide.code, /^\d{6}$/);
  assert.equal(viewerSide.code, hostSide.code);
  assert.equal(hostSide.viaLink, false);
  assert.equal(viewerSide.memberId, hostSide.memberId);
  assert.equal(joined.encryption, 'e2e');
  assert.deepEqual(await firstOf(customers, 'the customer'), { name: 'Ada', vip: true });
  const live = nextEvent(viewer, 'customer');
  await host.sendCustomer({ name: 'Grace' });
  assert.deepEqual((await live)[0], { name: 'Grace' });
  assert.deepEqual(await viewer.requestCustomer(), { name: 'Grace' });
});

test('a viewer whose network is cut pairs again, is admitted again and opens what follows', T, async () => {
  const proxy = await startProxy(relay.port);
  cleanups.push(() => proxy.close());
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  const { viewer, hostSide } = await pairAndAdmit(host, [sessionId], proxy.url);
  const hostAgain = nextEvent(host, 'pairing');
  const viewerAgain = nextEvent(viewer, 'pairing');

  proxy.cut();
  const [again] = await hostAgain;
  const [viewerSide] = await viewerAgain;
  assert.notEqual(again.memberId, hostSide.memberId);
  assert.equal(viewerSide.code, again.code);
  const back = nextEvent(viewer, 'state', { accept: (s) => s === 'open' });
  await host.admit(again.memberId);
  await back;
  const live = nextEvent(viewer, 'customer');
  await host.sendCustomer({ name: 'Ada' });

  assert.deepEqual((await live)[0], { name: 'Ada' });
});

test('a host closed while it prepares a pairing offer stays closed', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  const states = record(host, 'state');
  const errors = record(host, 'error');
  host.on('joinRequested', () => host.close());

  const viewer = clients.make(relay.url);
  viewer.joinSession(sessionId).catch(() => {});
  await until(() => host.state === 'closed', { what: 'host closed' });
  await new Promise((r) => setTimeout(r, 300));

  assert.deepEqual(states.map(([s]) => s), ['closed']);
  assert.equal(host.state, 'closed');
  assert.deepEqual(errors, []);
});

test('a host restarted with the content key it kept resumes and its viewers read on', T, async () => {
  const host = clients.make(relay.url);
  const created = await host.createSession({ encryption: 'e2e' });
  const { viewer } = await pairAndAdmit(host, [created.sessionId]);
  const kept = host.contentKey;
  assert.match(kept.contentKey, /^[A-Za-z0-9_-]{43}$/);
  host.close();

  const restarted = clients.make(relay.url);
  const resumed = await restarted.joinSession(created.sessionId, { resumeToken: created.resumeToken, ...kept });
  const live = nextEvent(viewer, 'customer');
  await restarted.sendCustomer({ name: 'Grace' });

  assert.equal(resumed.role, 'host');
  assert.deepEqual((await live)[0], { name: 'Grace' });
  assert.deepEqual(await restarted.requestCustomer(), { name: 'Grace' });
  assert.deepEqual(restarted.contentKey, kept);
});

test('a host restarted without the content key cannot seal', T, async () => {
  const host = clients.make(relay.url);
  const created = await host.createSession({ encryption: 'e2e' });
  host.close();

  const restarted = clients.make(relay.url);
  await restarted.joinSession(created.sessionId, { resumeToken: created.resumeToken });

  await rejectsWithCode(restarted.sendCustomer({ name: 'Grace' }), 'E2E_NO_KEY');
  assert.equal(restarted.contentKey, undefined);
});

test('a viewer joining later pairs too and gets the current customer and product', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  const first = await pairAndAdmit(host, [sessionId]);
  await host.sendCustomer({ name: 'current' });
  await host.sendProduct({ sku: 'P-1' });
  await firstOf(first.products, 'the product');

  const late = clients.make(relay.url);
  const customer = nextEvent(late, 'customer', { timeoutMs: 8000 });
  const product = nextEvent(late, 'product', { timeoutMs: 8000 });
  const hostPairing = nextEvent(host, 'pairing');
  const lateJoin = late.joinSession(sessionId);
  await host.admit((await hostPairing)[0].memberId);
  await lateJoin;

  assert.deepEqual((await customer)[0], { name: 'current' });
  assert.deepEqual((await product)[0], { sku: 'P-1' });
});

test('the relay stores and forwards only sealed payloads', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  const spy = await rawMember(relay.url);
  cleanups.push(() => spy.close());
  const requested = nextEvent(host, 'joinRequested');
  spy.send({ type: 'JOIN_SESSION', sessionId });
  // The spy never answers the offer: it is admitted without a key, like a member reading the relay.
  await host.admit((await requested)[0].memberId);
  await spy.next((m) => m.type === 'SESSION_JOINED');

  await host.sendCustomer({ name: 'Secret Customer', email: 'secret@example.com' });
  const relayed = await spy.next((m) => m.type === 'VIEW_CUSTOMER');
  spy.send({ type: 'REQUEST_CUSTOMER_UPDATE', requestId: 'stored' });
  const stored = await spy.next((m) => m.requestId === 'stored');

  for (const msg of [relayed, stored]) {
    assert.deepEqual(Object.keys(msg.payload).sort(), ['ct', 'e2e', 'g', 'iv']);
    assert.equal(msg.payload.e2e, 1);
    assert.equal(msg.payload.g, 0);
    assert.doesNotMatch(msg.raw, /Secret|secret@/);
  }
  const offer = spy.frames.find((m) => m.type === 'SIGNAL');
  assert.equal(offer.payload.data.e2e, 'offer');
  assert.equal(fromBase64Url(offer.payload.data.pub).length, 65);
  assert.ok(!spy.frames.some((m) => m.type === 'SIGNAL' && m.payload.data.e2e === 'key'), 'no key for an unpaired member');
});

test('after a kick the others get generation 1 and the kicked member\'s key opens nothing new', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  await host.sendCustomer({ name: 'before' });
  // The member to kick joins by link, so the test holds the very content key it has (generation 0).
  const link = parseJoinLink(formatJoinLink('http://x', await host.createJoinLink()));
  const kicked = await pairAndAdmit(host, [{ joinKey: link.joinKey, contentKey: link.contentKey, generation: link.generation }]);
  const stays = await pairAndAdmit(host, [sessionId]);
  await firstOf(stays.customers, 'the customer');
  const spy = await rawMember(relay.url);
  cleanups.push(() => spy.close());
  const requested = nextEvent(host, 'joinRequested');
  spy.send({ type: 'JOIN_SESSION', sessionId });
  await host.admit((await requested)[0].memberId);
  await spy.next((m) => m.type === 'SESSION_JOINED');
  const ended = nextEvent(kicked.viewer, 'sessionEnded');
  const resent = nextEvent(stays.viewer, 'customer');

  await host.kick(kicked.hostSide.memberId);

  assert.deepEqual((await ended)[0], { reason: 'kicked' });
  assert.equal(host.generation, 1);
  assert.deepEqual((await resent)[0], { name: 'before' }, 'the remaining member opens the re-sealed customer');
  const after = nextEvent(stays.viewer, 'customer');
  await host.sendCustomer({ name: 'after the kick' });
  assert.deepEqual((await after)[0], { name: 'after the kick' });
  const sealedAfter = await spy.next((m) => m.type === 'VIEW_CUSTOMER' && m.payload?.g === 1 && m.seq === 3);
  const oldKey = fromBase64Url(link.contentKey);
  assert.deepEqual(await openWith(oldKey, sessionId, 'customer', spy.frames.find((m) => m.type === 'VIEW_CUSTOMER').payload), { name: 'before' }, 'the old key did open generation 0');
  assert.equal(await openWith(oldKey, sessionId, 'customer', sealedAfter.payload), undefined);
  assert.equal(await openWith(oldKey, sessionId, 'customer', { ...sealedAfter.payload, g: 0 }), undefined);
});

test('a viewer opening the join link proves it and the host sees the pairing via the link', T, async () => {
  const host = clients.make(relay.url);
  await host.createSession({ encryption: 'e2e' });
  await host.sendProduct({ sku: 'L-1' });
  const joinLink = await host.createJoinLink({ ttlSeconds: 120 });
  const url = formatJoinLink('http://127.0.0.1:3000/', joinLink);
  assert.match(url, /^http:\/\/127\.0\.0\.1:3000\/\?join=[A-Za-z0-9_-]+#k=[A-Za-z0-9_-]{43}&g=0$/);
  const parsed = parseJoinLink(url);
  assert.deepEqual(parsed, { joinKey: joinLink.joinKey, contentKey: joinLink.contentKey, generation: 0 });

  const { hostSide, viewerSide, products } = await pairAndAdmit(host, [parsed]);

  assert.equal(hostSide.viaLink, true);
  assert.equal(viewerSide.code, hostSide.code);
  assert.deepEqual(await firstOf(products, 'the product'), { sku: 'L-1' });
});

test('a viewer with a wrong content key in the link is not taken as coming by the link', T, async () => {
  const host = clients.make(relay.url);
  await host.createSession({ encryption: 'e2e' });
  const joinLink = await host.createJoinLink();
  const wrong = Buffer.alloc(32, 7).toString('base64url');
  const viewer = clients.make(relay.url);
  const hostPairing = nextEvent(host, 'pairing');

  viewer.joinSession({ joinKey: joinLink.joinKey, contentKey: wrong, generation: 0 }).catch(() => {});

  assert.equal((await hostPairing)[0].viaLink, false);
});

test('a relay that swaps the ECDH keys makes the two 6-digit strings differ', T, async () => {
  const proxy = await startKeySwappingProxy(relay.url);
  cleanups.push(() => proxy.close());
  const host = clients.make(proxy.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  await host.sendCustomer({ name: 'Ada' });
  const viewer = clients.make(proxy.url);
  const hostPairing = nextEvent(host, 'pairing');
  const viewerPairing = nextEvent(viewer, 'pairing');
  const errors = record(viewer, 'error');
  const customers = record(viewer, 'customer');

  const joined = viewer.joinSession(sessionId);
  const [hostSide] = await hostPairing;
  const [viewerSide] = await viewerPairing;

  assert.ok(proxy.swapped >= 2, 'the proxy rewrote the offer and the answer');
  assert.notEqual(viewerSide.code, hostSide.code);
  // A salesperson who admits anyway still gives the relay nothing the viewer can open with its pairing.
  await host.admit(hostSide.memberId);
  await joined;
  await until(() => errors.some(([e]) => e.code === 'E2E_KEY_INVALID'), { what: 'the key signal refused' });
  assert.equal(customers.length, 0);
});
