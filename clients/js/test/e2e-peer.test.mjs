// scripts/e2e-peer.mjs, the stdin/stdout peer that the .NET interop tests drive, against the real relay.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { startRelay } from './helpers/relay.mjs';
import { clientFactory } from './helpers/clients.mjs';
import { rawMember } from './helpers/raw.mjs';
import { nextEvent } from './helpers/wait.mjs';
import { clientRoot } from './helpers/paths.mjs';

const T = { timeout: 30000 };
const script = resolve(clientRoot, 'scripts/e2e-peer.mjs');
let relay;
const peers = [];
const clients = clientFactory();
const cleanups = [];

before(async () => {
  relay = await startRelay();
});
after(async () => {
  await relay?.stop();
});
afterEach(async () => {
  for (const p of peers.splice(0)) p.child.kill('SIGKILL');
  clients.closeAll();
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

function startPeer(...args) {
  const child = spawn(process.execPath, [script, '--url', `${relay.url}/`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events = [];
  const waiters = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    events.push(event);
    for (const w of [...waiters]) {
      if (w.accept(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(event);
      }
    }
  });
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  const peer = {
    child,
    events,
    exited,
    send: (cmd) => child.stdin.write(`${JSON.stringify(cmd)}\n`),
    /** The next event named `name` not taken yet (optionally matching `accept`). */
    next(name, accept = () => true, timeoutMs = 8000) {
      const match = (e) => e.event === name && !e.taken && accept(e);
      const seen = events.find(match);
      if (seen) {
        seen.taken = true;
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        waiters.push({
          accept: match,
          resolve: (e) => {
            e.taken = true;
            resolve(e);
          },
          timer: setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms; got ${JSON.stringify(events)} ${stderr}`)), timeoutMs),
        });
      });
    },
  };
  peers.push(peer);
  return peer;
}

const strip = ({ taken, ...event }) => event;

test('a host peer and a viewer peer pair, admit, mirror a customer, and kick', T, async () => {
  const host = startPeer('--role', 'host', '--customer', '{"name":"Ada","n":1}');
  const created = strip(await host.next('created'));
  assert.match(created.sessionId, /^[A-Z2-9]{6}$/);
  assert.equal(typeof created.memberId, 'string');
  await host.next('sent');

  const viewer = startPeer('--role', 'viewer', '--code', created.sessionId);
  const pending = strip(await viewer.next('pending'));
  const hostPairing = strip(await host.next('pairing'));
  const viewerPairing = strip(await viewer.next('pairing'));
  assert.deepEqual(Object.keys(pending), ['event', 'memberId']);
  assert.equal(hostPairing.memberId, pending.memberId);
  assert.match(hostPairing.code, /^\d{6}$/);
  assert.deepEqual(viewerPairing, { event: 'pairing', code: hostPairing.code });

  host.send({ cmd: 'admit', memberId: pending.memberId });
  assert.deepEqual(strip(await host.next('admitted')), { event: 'admitted', memberId: pending.memberId });
  assert.deepEqual(strip(await viewer.next('joined')), { event: 'joined' });
  assert.deepEqual(strip(await viewer.next('customer')), { event: 'customer', payload: { name: 'Ada', n: 1 } });

  host.send({ cmd: 'customer', payload: { name: 'Grace' } });
  assert.deepEqual(strip(await host.next('sent')), { event: 'sent', kind: 'customer' });
  assert.deepEqual(strip(await viewer.next('customer')), { event: 'customer', payload: { name: 'Grace' } });

  host.send({ cmd: 'kick', memberId: pending.memberId });
  assert.deepEqual(strip(await host.next('kicked')), { event: 'kicked', memberId: pending.memberId });
  assert.deepEqual(strip(await viewer.next('ended')), { event: 'ended', reason: 'kicked' });

  host.send({ cmd: 'quit' });
  viewer.send({ cmd: 'quit' });
  assert.equal(await host.exited, 0);
  assert.equal(await viewer.exited, 0);
  assert.ok(!host.events.concat(viewer.events).some((e) => e.event === 'error'), JSON.stringify(host.events.concat(viewer.events)));
});

test('a viewer peer reports a sealed state of a generation it has no key for', T, async () => {
  const host = clients.make(relay.url);
  const { sessionId } = await host.createSession({ encryption: 'e2e' });
  await host.sendCustomer({ name: 'opens' });
  const viewer = startPeer('--role', 'viewer', '--code', sessionId);
  const [{ memberId }] = await nextEvent(host, 'pairing', { timeoutMs: 8000 });
  await host.admit(memberId);
  assert.deepEqual(strip(await viewer.next('customer')), { event: 'customer', payload: { name: 'opens' } });
  // Another member (read-write viewers may send state) sends a state sealed under a generation nobody handed out.
  const other = await rawMember(relay.url);
  cleanups.push(() => other.close());
  const requested = nextEvent(host, 'joinRequested');
  other.send({ type: 'JOIN_SESSION', sessionId });
  await host.admit((await requested)[0].memberId);
  await other.next((m) => m.type === 'SESSION_JOINED');

  other.send({ type: 'VIEW_CUSTOMER', payload: { e2e: 1, g: 7, iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });

  assert.deepEqual(strip(await viewer.next('undecryptable')), { event: 'undecryptable', kind: 'customer' });
  assert.equal(viewer.events.filter((e) => e.event === 'customer').length, 1);
});

test('the peer reports a bad command as an error and keeps going', T, async () => {
  const host = startPeer('--role', 'host');
  await host.next('created');

  host.send({ cmd: 'admit', memberId: 'nobody' });
  host.child.stdin.write('not json\n');

  assert.match((await host.next('error')).message, /MEMBER_NOT_FOUND/);
  assert.match((await host.next('error')).message, /not JSON/);
  host.send({ cmd: 'customer', payload: { ok: true } });
  await host.next('sent');
});
