// The client against a scripted peer: time-outs, malformed messages, stale state and connection rules.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { MirrorClient } from '../dist/index.js';
import { startFakeServer, send } from './helpers/fake-server.mjs';
import { freePort } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { delay, nextEvent, record, rejectsWithCode, until } from './helpers/wait.mjs';

const T = { timeout: 10000 };
const clients = clientFactory();
const servers = [];

afterEach(async () => {
  clients.closeAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(script) {
  const server = await startFakeServer(script);
  servers.push(server);
  return server;
}

const created = (msg, code = 'ABC234') => ({
  type: 'SESSION_CREATED',
  sessionId: code,
  requestId: msg.requestId,
  payload: { sessionId: code, role: 'host', resumeToken: 'token-1' },
});

test('a request the server never answers rejects with TIMEOUT after requestTimeoutMs', T, async () => {
  const server = await fake();
  const client = clients.make(server.url, { requestTimeoutMs: 300 });
  const started = Date.now();

  const err = await rejectsWithCode(client.createSession(), 'TIMEOUT');

  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 290 && elapsed < 2000, `timed out after ${elapsed} ms`);
  assert.match(err.message, /CREATE_SESSION/);
  assert.equal(client.state, 'open');
});

test('connect rejects with TIMEOUT when no server answers within requestTimeoutMs', T, async () => {
  const port = await freePort();
  const client = clients.make(`ws://127.0.0.1:${port}`, { requestTimeoutMs: 300 });

  await rejectsWithCode(client.connect(), 'TIMEOUT');

  assert.equal(client.state, 'reconnecting');
});

test('malformed server messages emit error events and the client keeps working', T, async () => {
  const server = await fake({
    onConnection: (socket) => {
      send(socket, 'this is not json');
      send(socket, '[1,2,3]');
      send(socket, '{"payload":{}}');
      send(socket, '{"type":42}');
      send(socket, 'null');
      socket.send(Buffer.from([1, 2, 3]), { binary: true });
    },
    onMessage: (msg, socket) => send(socket, { type: 'PONG', requestId: msg.requestId }),
  });
  const client = clients.make(server.url);
  const errors = record(client, 'error');

  await client.connect();
  await until(() => errors.length === 6, { what: 'six error events' });

  assert.deepEqual(errors.map(([e]) => e.code), Array(6).fill('MALFORMED_MESSAGE'));
  assert.ok(errors.every(([e]) => e.name === 'MirrorError' && e.message.length > 0));
  assert.equal(typeof (await client.ping()), 'number');
  assert.equal(client.state, 'open');
});

test('a malformed message without an error handler does not throw', T, async () => {
  const server = await fake({
    onConnection: (socket) => send(socket, '{oops'),
    onMessage: (msg, socket) => send(socket, { type: 'PONG', requestId: msg.requestId }),
  });
  const client = clients.make(server.url);
  let uncaught = null;
  const onUncaught = (err) => (uncaught = err);
  process.on('uncaughtException', onUncaught);
  try {
    await client.connect();
    await client.ping();
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.equal(uncaught, null);
});

test('unknown message types are ignored without an error', T, async () => {
  const server = await fake({
    onMessage: (msg, socket) => {
      send(socket, { type: 'SOMETHING_NEW', payload: { x: 1 } });
      send(socket, { type: 'SOMETHING_NEW', requestId: 'nobody' });
      send(socket, { type: 'PONG', requestId: msg.requestId });
    },
  });
  const client = clients.make(server.url);
  const errors = record(client, 'error');

  await client.ping();

  assert.deepEqual(errors, []);
});

test('an ERROR carrying the requestId rejects that request with the server code and message', T, async () => {
  const server = await fake({
    onMessage: (msg, socket) =>
      send(socket, { type: 'ERROR', sessionId: msg.sessionId, requestId: msg.requestId, payload: { code: 'SESSION_FULL', message: 'Session is full' } }),
  });
  const client = clients.make(server.url);
  const errors = record(client, 'error');

  const err = await rejectsWithCode(client.joinSession('ABC234'), 'SESSION_FULL');

  assert.equal(err.message, 'Session is full');
  assert.deepEqual(errors, [], 'an answered request is not also an error event');
});

test('an ERROR without a requestId is an error event', T, async () => {
  const server = await fake({
    onConnection: (socket) => send(socket, { type: 'ERROR', payload: { code: 'RATE_LIMITED', message: 'Too many messages' } }),
  });
  const client = clients.make(server.url);
  const error = nextEvent(client, 'error');

  await client.connect();

  const [err] = await error;
  assert.equal(err.code, 'RATE_LIMITED');
  assert.equal(err.message, 'Too many messages');
});

test('state with a lower seq than the last seen of its kind is dropped as stale', T, async () => {
  const server = await fake({
    onMessage: (msg, socket) => {
      if (msg.type === 'CREATE_SESSION') {
        send(socket, created(msg));
        for (const [type, seq] of [['VIEW_CUSTOMER', 5], ['VIEW_CUSTOMER', 3], ['VIEW_PRODUCT', 4], ['VIEW_CUSTOMER', 6], ['VIEW_PRODUCT', 2]]) {
          send(socket, { type, sessionId: 'ABC234', seq, payload: { seq } });
        }
      } else if (msg.type === 'PING') {
        send(socket, { type: 'PONG', requestId: msg.requestId });
      }
    },
  });
  const client = clients.make(server.url);
  const customers = record(client, 'customer');
  const products = record(client, 'product');

  await client.createSession();
  await client.ping(); // everything sent before the PONG has arrived by now

  assert.deepEqual(customers.map(([, meta]) => meta.seq), [5, 6]);
  assert.deepEqual(products.map(([, meta]) => meta.seq), [4]);
  assert.deepEqual(customers[1], [{ seq: 6 }, { seq: 6, sessionId: 'ABC234' }]);
});

test('a request in flight when the connection drops rejects with CONNECTION_LOST', T, async () => {
  const server = await fake({ onMessage: (msg, socket) => msg.type === 'CREATE_SESSION' && socket.terminate() });
  const client = clients.make(server.url);

  await rejectsWithCode(client.createSession(), 'CONNECTION_LOST');
});

test('with reconnect false the client stays closed after the connection drops', T, async () => {
  const server = await fake({ onMessage: (msg, socket) => socket.terminate() });
  const client = clients.make(server.url, { reconnect: false });
  const states = record(client, 'state');
  await client.connect();

  await rejectsWithCode(client.ping(), 'CONNECTION_LOST');
  await delay(200);

  assert.equal(client.state, 'closed');
  assert.equal(server.sockets.length, 1);
  assert.deepEqual(states.map(([s]) => s), ['connecting', 'open', 'closed']);
});

test('close rejects requests still waiting with CLOSED and stops the client', T, async () => {
  const server = await fake();
  const client = clients.make(server.url);
  await client.connect();
  const pending = client.createSession();

  client.close();

  await rejectsWithCode(pending, 'CLOSED');
  assert.equal(client.state, 'closed');
  await delay(100);
  assert.equal(server.sockets.length, 1);
});

test('reconnect attempts back off exponentially up to maxDelayMs', T, async () => {
  const port = await freePort();
  const attempts = [];
  class CountingWebSocket extends WebSocket {
    constructor(url) {
      super(url);
      attempts.push(Date.now());
    }
  }
  const client = new MirrorClient({
    url: `ws://127.0.0.1:${port}`,
    WebSocket: CountingWebSocket,
    heartbeatIntervalMs: 0,
    reconnect: { initialDelayMs: 20, maxDelayMs: 160 },
  });
  try {
    client.connect().catch(() => {});
    await until(() => attempts.length >= 7, { what: 'seven attempts' });
  } finally {
    client.close();
  }
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
  // Each pause lies between half and all of min(maxDelayMs, initialDelayMs * 2^n).
  assert.ok(gaps[0] >= 9, `first pause ${gaps[0]} ms`);
  assert.ok(gaps[3] >= 80, `fourth pause ${gaps[3]} ms (of ${gaps})`);
  assert.ok(gaps[3] > gaps[0], `pauses grow: ${gaps}`);
  assert.ok(gaps[5] >= 80, `capped pauses stay at least half of maxDelayMs: ${gaps}`);
});

test('the heartbeat closes a connection whose PINGs get no PONG and reconnects', T, async () => {
  const server = await fake({
    onMessage: (msg, socket) => {
      // The first connection never answers; later ones do.
      if (socket !== server.sockets[0]) {
        send(socket, { type: 'PONG', requestId: msg.requestId });
      }
    },
  });
  const client = clients.make(server.url, { heartbeatIntervalMs: 50, requestTimeoutMs: 200 });
  const states = record(client, 'state');
  await client.connect();

  await until(() => server.sockets.length === 2 && client.state === 'open', { what: 'a second connection' });

  assert.deepEqual(states.map(([s]) => s), ['connecting', 'open', 'reconnecting', 'open']);
});

test('a throwing event handler does not stop the others and is reported as LISTENER_ERROR', T, async () => {
  const server = await fake();
  const client = clients.make(server.url);
  const seen = [];
  client.on('state', () => {
    throw new Error('boom');
  });
  client.on('state', (s) => seen.push(s));
  const error = nextEvent(client, 'error');

  await client.connect();

  const [err] = await error;
  assert.equal(err.code, 'LISTENER_ERROR');
  assert.equal(err.cause.message, 'boom');
  assert.deepEqual(seen, ['connecting', 'open']);
});

test('off removes a handler', T, async () => {
  const server = await fake();
  const client = clients.make(server.url);
  const seen = [];
  const handler = (s) => seen.push(s);
  client.on('state', handler);
  client.off('state', handler);

  await client.connect();

  assert.deepEqual(seen, []);
});

/** Runs `body` with globalThis.WebSocket set to `value` (or removed when undefined), as a platform would have it. */
async function withPlatformWebSocket(value, body) {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  if (value === undefined) {
    delete globalThis.WebSocket;
  } else {
    Object.defineProperty(globalThis, 'WebSocket', { value, configurable: true, writable: true });
  }
  try {
    return await body();
  } finally {
    delete globalThis.WebSocket;
    if (saved) {
      Object.defineProperty(globalThis, 'WebSocket', saved);
    }
  }
}

test('the constructor explains a missing WebSocket class', async () => {
  await withPlatformWebSocket(undefined, () => {
    assert.throws(() => new MirrorClient({ url: 'ws://127.0.0.1:1' }), /options\.WebSocket/);
  });
});

test('without options.WebSocket the client uses the platform WebSocket', T, async () => {
  const server = await fake({ onMessage: (msg, socket) => send(socket, { type: 'PONG', requestId: msg.requestId }) });
  const client = await withPlatformWebSocket(WebSocket, () => new MirrorClient({ url: server.url, heartbeatIntervalMs: 0 }));
  try {
    assert.equal(typeof (await client.ping()), 'number');
    assert.equal(server.sockets.length, 1);
  } finally {
    client.close();
  }
});
