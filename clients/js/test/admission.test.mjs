// Admission, host controls, signals and join links against the real relay.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { delay, nextEvent, record, rejectsWithCode, until } from './helpers/wait.mjs';
import { ErrorCodes } from '../dist/index.js';

const T = { timeout: 15000 };
let relay;
const clients = clientFactory();

before(async () => {
  relay = await startRelay();
});
after(async () => {
  clients.closeAll();
  await relay?.stop();
});
afterEach(() => clients.closeAll());

async function admittedViewer(host, code) {
  const viewer = clients.make(relay.url);
  const requested = nextEvent(host, 'joinRequested');
  const joined = viewer.joinSession(code);
  const [{ memberId }] = await requested;
  await host.admit(memberId);
  return { viewer, joined: await joined, memberId };
}

test('a viewer of a session with admission waits, without state, until the host admits it', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ admission: 'host' });
  await host.sendCustomer({ name: 'Ada' });
  const viewer = clients.make(relay.url);
  const customers = record(viewer, 'customer');
  const pending = nextEvent(viewer, 'joinPending');
  const requested = nextEvent(host, 'joinRequested');

  const joining = viewer.joinSession(sessionId);

  const [waiting] = await pending;
  const [request] = await requested;
  assert.equal(waiting.sessionId, sessionId);
  assert.equal(request.memberId, waiting.memberId);
  assert.equal(typeof request.userAgent, 'string');
  await delay(200);
  assert.equal(customers.length, 0, 'no state before admission');
  const peerJoined = nextEvent(host, 'peerJoined');

  await host.admit(request.memberId);

  const joined = await joining;
  assert.equal(joined.memberId, waiting.memberId);
  assert.equal(joined.role, 'viewer');
  assert.equal(joined.members, 2);
  assert.equal((await peerJoined)[0].memberId, waiting.memberId);
  await until(() => customers.length > 0, { what: 'the customer after admission' });
  assert.deepEqual(customers.map(([c]) => c), [{ name: 'Ada' }]);
});

test('a waiting viewer that the host denies is rejected with JOIN_DENIED', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ admission: 'host' });
  const viewer = clients.make(relay.url);
  const requested = nextEvent(host, 'joinRequested');
  const denied = nextEvent(viewer, 'joinDenied');
  const outcome = rejectsWithCode(viewer.joinSession(sessionId), 'JOIN_DENIED');

  await host.deny((await requested)[0].memberId);

  const err = await outcome;
  assert.equal(err.message, 'denied');
  assert.deepEqual((await denied)[0], { reason: 'denied' });
  assert.equal(viewer.sessionId, undefined);
});

test('a waiting viewer that goes away is withdrawn on the host', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ admission: 'host' });
  const viewer = clients.make(relay.url);
  const requested = nextEvent(host, 'joinRequested');
  viewer.joinSession(sessionId).catch(() => {});
  const [{ memberId }] = await requested;
  const withdrawn = nextEvent(host, 'joinWithdrawn');

  viewer.close();

  assert.deepEqual((await withdrawn)[0], { memberId, reason: 'disconnected' });
});

test('a kicked member sees its session end (kicked) and the others see it leave', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession();
  const viewer = clients.make(relay.url);
  const other = clients.make(relay.url);
  const { memberId } = await viewer.joinSession(sessionId);
  await other.joinSession(sessionId);
  const ended = nextEvent(viewer, 'sessionEnded');
  const otherSaw = nextEvent(other, 'peerLeft');

  await host.kick(memberId);

  assert.deepEqual((await ended)[0], { reason: 'kicked' });
  assert.deepEqual((await otherSaw)[0], { role: 'viewer', members: 2, reason: 'kicked', memberId });
  assert.equal(viewer.sessionId, undefined);
  await rejectsWithCode(viewer.joinSession(sessionId), ErrorCodes.KICKED);
});

test('a locked session refuses joins until it is unlocked', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession();

  await host.lock();
  await rejectsWithCode(clients.make(relay.url).joinSession(sessionId), ErrorCodes.SESSION_LOCKED);
  await host.unlock();

  const joined = await clients.make(relay.url).joinSession(sessionId);
  assert.equal(joined.members, 2);
});

test('host controls from a viewer are refused with NOT_HOST', T, async () => {
  const host = clients.make(relay.url);
  const created = await host.createSession();
  const viewer = clients.make(relay.url);
  await viewer.joinSession(created.sessionId);

  await rejectsWithCode(viewer.lock(), ErrorCodes.NOT_HOST);
  await rejectsWithCode(viewer.kick(created.memberId), ErrorCodes.NOT_HOST);
  await rejectsWithCode(viewer.createJoinLink(), ErrorCodes.NOT_HOST);
});

test('a signal reaches the one member it is sent to, as written', T, async () => {
  const host = clients.make(relay.url);
  const created = await host.createSession();
  const viewer = clients.make(relay.url);
  const bystander = clients.make(relay.url);
  const { memberId } = await viewer.joinSession(created.sessionId);
  await bystander.joinSession(created.sessionId);
  const bystanderSignals = record(bystander, 'signal');
  const received = nextEvent(host, 'signal');

  const ack = await viewer.signal(created.memberId, { hello: [1, 'two'] });

  assert.deepEqual(ack, { delivered: 1 });
  assert.deepEqual((await received)[0], { from: memberId, data: { hello: [1, 'two'] } });
  await rejectsWithCode(viewer.signal('no-such-member', 1), ErrorCodes.MEMBER_NOT_FOUND);
  assert.equal(bystanderSignals.length, 0);
});

test('a join link lets one viewer in by its key alone, and only once', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession();

  const link = await host.createJoinLink({ ttlSeconds: 60 });

  assert.match(link.joinKey, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(link.uses, 1);
  assert.ok(Date.parse(link.expiresAt) > Date.now());
  assert.equal(link.contentKey, undefined, 'a plain session has no content key');
  const joined = await clients.make(relay.url).joinSession({ joinKey: link.joinKey });
  assert.equal(joined.sessionId, sessionId);
  await rejectsWithCode(clients.make(relay.url).joinSession({ joinKey: link.joinKey }), ErrorCodes.JOIN_KEY_INVALID);
});
