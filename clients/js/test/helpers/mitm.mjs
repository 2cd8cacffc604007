// A relay that attacks: a WebSocket proxy in front of the real relay that replaces the `pub` of every E2E
// offer and answer SIGNAL with a key pair of its own, as a malicious relay operator could.
import WebSocket, { WebSocketServer } from 'ws';

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

export async function startKeySwappingProxy(targetUrl) {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const mallory = b64u(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  let swapped = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (client) => {
    const upstream = new WebSocket(targetUrl);
    const queued = [];
    const rewrite = (text) => {
      const msg = JSON.parse(text);
      const data = msg.type === 'SIGNAL' ? msg.payload?.data : undefined;
      if (data && (data.e2e === 'offer' || data.e2e === 'answer') && typeof data.pub === 'string') {
        data.pub = mallory;
        swapped++;
        return JSON.stringify(msg);
      }
      return text;
    };
    client.on('message', (data) => {
      const text = rewrite(data.toString());
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queued.push(text);
    });
    upstream.on('open', () => queued.splice(0).forEach((t) => upstream.send(t)));
    upstream.on('message', (data) => client.send(rewrite(data.toString())));
    const drop = () => {
      client.terminate();
      upstream.terminate();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise((resolve) => wss.on('listening', resolve));
  return {
    url: `ws://127.0.0.1:${wss.address().port}`,
    get swapped() {
      return swapped;
    },
    close() {
      for (const socket of wss.clients) socket.terminate();
      return new Promise((r) => wss.close(() => r()));
    },
  };
}
