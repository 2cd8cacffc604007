// Compiled (not run) by test/types.test.mjs: the published types accept the documented API, with the
// platform's WebSocket class and with the ws package's.
import WebSocket from 'ws';
import { ErrorCodes, MirrorClient, MirrorError, parseJoinLink, formatJoinLink, type ConnectionState, type Role } from '../../dist/index.js';

const inNode = new MirrorClient({ url: 'ws://localhost:3000', WebSocket });
const inBrowser = new MirrorClient({
  url: 'ws://localhost:3000',
  WebSocket: globalThis.WebSocket,
  requestTimeoutMs: 5000,
  heartbeatIntervalMs: 10000,
  reconnect: { initialDelayMs: 250, maxDelayMs: 10000 },
});
new MirrorClient({ url: 'ws://localhost:3000', reconnect: false });

export async function usage(): Promise<void> {
  await inNode.connect();
  const created: { sessionId: string; resumeToken: string } = await inNode.createSession();
  const joined = await inBrowser.joinSession(created.sessionId, { resumeToken: created.resumeToken });
  const role: 'host' | 'viewer' = joined.role;
  const members: number = joined.members;
  const acked: { delivered: number } = await inNode.sendCustomer({ id: 1 });
  await inNode.sendProduct(null);
  const customer: unknown = await inBrowser.requestCustomer();
  const product: unknown = await inBrowser.requestProduct();
  const rtt: number = await inNode.ping();
  await inBrowser.leaveSession();
  await inNode.endSession();

  const stop = inNode.on('customer', (payload, meta) => {
    const seq: number = meta.seq;
    const sessionId: string = meta.sessionId;
    void [payload, seq, sessionId];
  });
  stop();
  inNode.on('product', (payload, meta) => void [payload, meta.seq]);
  inNode.on('peerJoined', (e) => void [e.role satisfies Role, e.members satisfies number]);
  inNode.on('peerLeft', (e) => void [e.role, e.members, e.reason satisfies 'left' | 'disconnected' | 'kicked', e.memberId satisfies string]);
  inNode.on('sessionEnded', ({ reason }) => void (reason satisfies 'ended_by_host' | 'expired' | 'kicked' | 'not_found' | 'rejoin_failed'));
  const onError = (err: MirrorError) => void [err.code satisfies string, err.message];
  inNode.on('error', onError);
  inNode.off('error', onError);
  inNode.on('state', (s) => void (s satisfies ConnectionState));
  // @ts-expect-error: no such event
  inNode.on('customers', () => {});
  // @ts-expect-error: a customer handler gets a payload and its meta, not a string
  inNode.on('customer', (payload: unknown, meta: string) => void [payload, meta]);

  const state: ConnectionState = inNode.state;
  const sessionId: string | undefined = inNode.sessionId;
  const myRole: Role | undefined = inNode.role;
  const token: string | undefined = inNode.resumeToken;
  // Admission, host controls, signals, join links and encrypted sessions.
  const e2eHost = new MirrorClient({ url: 'ws://localhost:3000', WebSocket, crypto: globalThis.crypto });
  const made: { sessionId: string; resumeToken: string; memberId: string } = await e2eHost.createSession({
    encryption: 'e2e',
    admission: 'host',
    viewers: 'read-only',
    token: 'jwt',
  });
  e2eHost.on('joinRequested', ({ memberId, userAgent }) => void [memberId satisfies string, userAgent satisfies string]);
  e2eHost.on('joinWithdrawn', ({ memberId, reason }) => void [memberId, reason satisfies 'left' | 'disconnected' | 'timeout']);
  e2eHost.on('pairing', ({ memberId, code, viaLink }) => void [memberId, code satisfies string, viaLink satisfies boolean | undefined]);
  e2eHost.on('signal', ({ from, data }) => void [from satisfies string, data satisfies unknown]);
  await e2eHost.admit('m1');
  await e2eHost.deny('m2');
  await e2eHost.kick('m3');
  await e2eHost.lock();
  await e2eHost.unlock();
  const delivered: { delivered: number } = await e2eHost.signal('m1', { hello: 1 });
  const link = await e2eHost.createJoinLink({ ttlSeconds: 60, uses: 1 });
  const url: string = formatJoinLink('http://localhost:3000', link);
  const parsed = parseJoinLink(url);
  const byLink = await inBrowser.joinSession({ joinKey: parsed!.joinKey, contentKey: parsed!.contentKey, generation: parsed!.generation });
  const joinedEncrypted: 'e2e' | undefined = byLink.encryption;
  const verified: boolean | undefined = byLink.hostVerified;
  await inBrowser.joinSession('K7Q2ZP', { joinKey: 'k', token: 't' });
  const kept: { contentKey: string; generation: number } | undefined = e2eHost.contentKey;
  await inBrowser.joinSession('K7Q2ZP', { resumeToken: 'r', ...kept });
  inBrowser.on('joinPending', ({ sessionId: s, memberId }) => void [s, memberId]);
  inBrowser.on('joinDenied', ({ reason }) => void (reason satisfies 'denied' | 'timeout'));
  inBrowser.on('undecryptable', ({ kind, generation, reason }) => void [kind, generation satisfies number, reason]);
  const code: string = ErrorCodes.SESSION_LOCKED;
  const mine: string | undefined = e2eHost.memberId;
  // @ts-expect-error: admission is 'host' or 'open'
  await e2eHost.createSession({ admission: 'closed' });
  inNode.close();
  void [made, delivered, joinedEncrypted, verified, code, mine, role, members, acked, customer, product, rtt, state, sessionId, myRole, token];
}
