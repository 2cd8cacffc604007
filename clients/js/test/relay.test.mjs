// The client against the real relay, started from its Release build.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from './helpers/relay.mjs';
import { startProxy } from './helpers/proxy.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { nextEvent, record, rejectsWithCode, until } from './helpers/wait.mjs';

const T = { timeout: 15000 };
let relay;
const clients = clientFactory();
const proxies = [];

before(async () => {
  relay = await startRelay();
});
after(async () => {
  clients.closeAll();
  await relay?.stop();
});
afterEach(async () => {
  clients.closeAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function hostAndViewer(hostUrl = relay.url, hostOptions = {}) {
  const host = clients.make(hostUrl, hostOptions);
  const viewer = clients.make(relay.url);
  const created = await host.createSession();
  await viewer.joinSession(created.sessionId);
  return { host, viewer, created };
}

test('createSession makes the client the host of a new session', T, async () => {
  const host = clients.make(relay.url);
  const states = record(host, 'state');

  const created = await host.createSession();

  assert.match(created.sessionId, /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
  assert.ok(created.resumeToken.length >= 16);
  assert.equal(host.sessionId, created.sessionId);
  assert.equal(host.role, 'host');
  assert.equal(host.resumeToken, created.resumeToken);
  assert.equal(host.state, 'open');
  assert.deepEqual(states.map(([s]) => s), ['connecting', 'open']);
});

test('joinSession joins as a viewer and the host hears of it', T, async () => {
  const host = clients.make(relay.url);
  const viewer = clients.make(relay.url);
  const { sessionId } = await host.createSession();
  const peerJoined = nextEvent(host, 'peerJoined');

  const joined = await viewer.joinSession(sessionId.toLowerCase());

  assert.match(joined.memberId, /\S/);
  assert.deepEqual(joined, { sessionId, role: 'viewer', members: 2, memberId: joined.memberId });
  assert.equal(viewer.sessionId, sessionId);
  assert.equal(viewer.role, 'viewer');
  assert.equal(viewer.memberId, joined.memberId);
  assert.equal(viewer.resumeToken, undefined);
  assert.deepEqual((await peerJoined)[0], { role: 'viewer', members: 2, memberId: joined.memberId });
});

test('joinSession with an unknown code rejects with SESSION_NOT_FOUND', T, async () => {
  const viewer = clients.make(relay.url);

  const err = await rejectsWithCode(viewer.joinSession('ZZZZZZ'), 'SESSION_NOT_FOUND');

  assert.equal(err.name, 'MirrorError');
  assert.equal(err.message, 'Invalid session ID');
  assert.equal(viewer.sessionId, undefined);
});

test('customer updates go from host to viewer', T, async () => {
  const { host, viewer, created } = await hostAndViewer();
  const received = nextEvent(viewer, 'customer');

  const ack = await host.sendCustomer({ id: 7, name: 'Ada', tags: ['a', 'b'] });

  assert.deepEqual(ack, { delivered: 1 });
  const [payload, meta] = await received;
  assert.deepEqual(payload, { id: 7, name: 'Ada', tags: ['a', 'b'] });
  assert.deepEqual(meta, { seq: 1, sessionId: created.sessionId });
});

test('product updates go from viewer to host', T, async () => {
  const { host, viewer, created } = await hostAndViewer();
  const received = nextEvent(host, 'product');

  const ack = await viewer.sendProduct({ sku: 'X-1' });

  assert.deepEqual(ack, { delivered: 1 });
  const [payload, meta] = await received;
  assert.deepEqual(payload, { sku: 'X-1' });
  assert.equal(meta.sessionId, created.sessionId);
  assert.equal(meta.seq, 1);
});

test('a viewer joining late gets the current customer and product', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession();
  await host.sendCustomer({ name: 'old' });
  await host.sendCustomer({ name: 'current' });
  await host.sendProduct({ sku: 'P' });
  const late = clients.make(relay.url);
  const customer = nextEvent(late, 'customer');
  const product = nextEvent(late, 'product');

  const joined = await late.joinSession(sessionId);

  assert.equal(joined.members, 2);
  assert.deepEqual(await customer, [{ name: 'current' }, { seq: 2, sessionId }]);
  assert.deepEqual(await product, [{ sku: 'P' }, { seq: 3, sessionId }]);
});

test('requestCustomer and requestProduct return the current state, undefined when none is set', T, async () => {
  const { host, viewer } = await hostAndViewer();
  assert.equal(await viewer.requestCustomer(), undefined);
  assert.equal(await viewer.requestProduct(), undefined);

  await host.sendCustomer({ name: 'Ada' });
  await host.sendProduct(0);

  assert.deepEqual(await viewer.requestCustomer(), { name: 'Ada' });
  assert.equal(await viewer.requestProduct(), 0);
});

test('endSession ends the session for every member', T, async () => {
  const { host, viewer } = await hostAndViewer();
  const viewerEnded = nextEvent(viewer, 'sessionEnded');
  const hostEnded = nextEvent(host, 'sessionEnded');

  await host.endSession();

  assert.deepEqual((await viewerEnded)[0], { reason: 'ended_by_host' });
  assert.deepEqual((await hostEnded)[0], { reason: 'ended_by_host' });
  assert.equal(host.sessionId, undefined);
  assert.equal(viewer.sessionId, undefined);
  assert.equal(viewer.role, undefined);
});

test('endSession from a viewer rejects with NOT_HOST', T, async () => {
  const { viewer } = await hostAndViewer();

  await rejectsWithCode(viewer.endSession(), 'NOT_HOST');

  assert.notEqual(viewer.sessionId, undefined);
});

test('leaveSession leaves and the others see the member leave', T, async () => {
  const { host, viewer } = await hostAndViewer();
  const peerLeft = nextEvent(host, 'peerLeft');
  const viewerId = viewer.memberId;

  await viewer.leaveSession();

  assert.deepEqual((await peerLeft)[0], { role: 'viewer', members: 1, reason: 'left', memberId: viewerId });
  assert.equal(viewer.sessionId, undefined);
  assert.equal(viewer.role, undefined);
});

test('ping measures a round trip', T, async () => {
  const client = clients.make(relay.url);

  const ms = await client.ping();

  assert.equal(typeof ms, 'number');
  assert.ok(ms >= 0 && ms < 3000, `round trip ${ms} ms`);
});

test('a host whose network is cut reconnects and resumes the session as host with its token', T, async () => {
  const proxy = await startProxy(relay.port);
  proxies.push(proxy);
  const { host, viewer, created } = await hostAndViewer(proxy.url);
  await host.sendCustomer({ name: 'before' });
  const states = record(host, 'state');
  const hostBack = nextEvent(viewer, 'peerJoined', { accept: (e) => e.role === 'host' });

  proxy.cut();
  await until(() => states.some(([s]) => s === 'reconnecting') && host.state === 'open', { what: 'host reconnected' });

  assert.deepEqual(states.map(([s]) => s), ['reconnecting', 'open']);
  assert.equal(host.sessionId, created.sessionId);
  assert.equal(host.role, 'host');
  assert.equal(host.resumeToken, created.resumeToken);
  await hostBack;
  const received = nextEvent(viewer, 'customer');
  assert.deepEqual(await host.sendCustomer({ name: 'after' }), { delivered: 1 });
  assert.deepEqual((await received)[0], { name: 'after' });
  assert.deepEqual(await host.requestCustomer(), { name: 'after' });
});

test('a viewer cut off from a locked session ends with rejoin_failed instead of retrying', T, async () => {
  const proxy = await startProxy(relay.port);
  proxies.push(proxy);
  const host = clients.make(relay.url);
  const viewer = clients.make(proxy.url);
  const created = await host.createSession();
  await viewer.joinSession(created.sessionId);
  await host.lock();
  const ended = nextEvent(viewer, 'sessionEnded');
  const error = nextEvent(viewer, 'error', { accept: (e) => e.code === 'REJOIN_FAILED' });

  proxy.cut();

  assert.deepEqual((await ended)[0], { reason: 'rejoin_failed' });
  assert.equal((await error)[0].cause.code, 'SESSION_LOCKED');
  assert.equal(viewer.sessionId, undefined);
  await until(() => viewer.state === 'open', { what: 'viewer open outside the session' });
});

test('a request made while reconnecting is sent once the client is back in its session', T, async () => {
  const proxy = await startProxy(relay.port);
  proxies.push(proxy);
  const { host, viewer } = await hostAndViewer(proxy.url);
  const dropped = nextEvent(host, 'state', { accept: (s) => s === 'reconnecting' });
  proxy.cut();
  await dropped;
  const received = nextEvent(viewer, 'customer');

  const ack = await host.sendCustomer({ name: 'queued' });

  assert.deepEqual(ack, { delivered: 1 });
  assert.deepEqual((await received)[0], { name: 'queued' });
});

test('the heartbeat notices a silently dead link and the host resumes its session', T, async () => {
  const proxy = await startProxy(relay.port);
  proxies.push(proxy);
  const { host, viewer, created } = await hostAndViewer(proxy.url, { heartbeatIntervalMs: 100, requestTimeoutMs: 400 });
  const reconnecting = nextEvent(host, 'state', { accept: (s) => s === 'reconnecting', timeoutMs: 3000 });

  proxy.blackhole();
  await reconnecting;
  await until(() => host.state === 'open', { what: 'host reconnected' });

  assert.equal(host.sessionId, created.sessionId);
  assert.equal(host.role, 'host');
  const received = nextEvent(viewer, 'customer');
  assert.deepEqual(await host.sendCustomer({ name: 'alive' }), { delivered: 1 });
  assert.deepEqual((await received)[0], { name: 'alive' });
});

test('a host whose token is used by another connection stops instead of taking the role back', T, async () => {
  const first = clients.make(relay.url);
  const created = await first.createSession();
  const error = nextEvent(first, 'error');
  const closed = nextEvent(first, 'state', { accept: (s) => s === 'closed' });
  const second = clients.make(relay.url);

  const joined = await second.joinSession(created.sessionId, { resumeToken: created.resumeToken });

  assert.equal(joined.role, 'host');
  assert.equal(second.resumeToken, created.resumeToken);
  assert.equal((await error)[0].code, 'HOST_RESUMED_ELSEWHERE');
  await closed;
  assert.equal(first.sessionId, undefined);
  assert.equal(second.role, 'host');
});

test('connect after close rejoins the session the client was in', T, async () => {
  const { host, viewer, created } = await hostAndViewer();
  await host.sendProduct({ sku: 'kept' });
  viewer.close();
  assert.equal(viewer.state, 'closed');
  const product = nextEvent(viewer, 'product');

  await viewer.connect();

  assert.equal(viewer.state, 'open');
  assert.equal(viewer.sessionId, created.sessionId);
  assert.equal(viewer.role, 'viewer');
  assert.deepEqual((await product)[0], { sku: 'kept' });
});
