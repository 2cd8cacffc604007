// Compiled (not run) by test/types.test.mjs: the published types accept the documented API, with the
// platform's WebSocket class and with the ws package's.
import WebSocket from 'ws';
import { MirrorClient, MirrorError, type ConnectionState, type Role } from '../../dist/index.js';

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
  inNode.on('peerLeft', (e) => void [e.role, e.members, e.reason satisfies 'left' | 'disconnected']);
  inNode.on('sessionEnded', ({ reason }) => void (reason satisfies 'ended_by_host' | 'expired' | 'not_found'));
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
  inNode.close();
  void [role, members, acked, customer, product, rtt, state, sessionId, myRole, token];
}
