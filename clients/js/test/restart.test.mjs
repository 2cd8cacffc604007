// The relay restarted under the client. With the in-memory store the restart loses the session: the
// client reconnects, finds it gone and says so (sessionEnded, not_found) instead of hanging.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { nextEvent } from './helpers/wait.mjs';

const clients = clientFactory();
let relay;
after(async () => {
  clients.closeAll();
  await relay?.stop();
});

test('after a relay restart that lost the session, host and viewer get sessionEnded not_found and carry on', { timeout: 60000 }, async () => {
  relay = await startRelay();
  const host = clients.make(relay.url);
  const viewer = clients.make(relay.url);
  const { sessionId } = await host.createSession();
  await viewer.joinSession(sessionId);
  const hostEnded = nextEvent(host, 'sessionEnded', { timeoutMs: 30000 });
  const viewerEnded = nextEvent(viewer, 'sessionEnded', { timeoutMs: 30000 });
  const hostDropped = nextEvent(host, 'state', { accept: (s) => s === 'reconnecting', timeoutMs: 15000 });

  await relay.stop();
  await hostDropped;
  relay = await startRelay({ port: relay.port });

  assert.deepEqual((await hostEnded)[0], { reason: 'not_found' });
  assert.deepEqual((await viewerEnded)[0], { reason: 'not_found' });
  assert.equal(host.sessionId, undefined);
  assert.equal(host.role, undefined);
  assert.equal(host.state, 'open');
  const again = await host.createSession();
  assert.notEqual(again.sessionId, undefined);
});
