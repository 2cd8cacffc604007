// A TCP proxy between a client and the relay, to cut the network under a client: `cut()` drops every
// connection at once, `blackhole()` stops forwarding on them but keeps them open (a dead link that
// neither end notices). Connections made afterwards are forwarded as usual.
import { createServer, connect } from 'node:net';

export function startProxy(targetPort) {
  const pairs = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        url: `ws://127.0.0.1:${port}`,
        get connections() {
          return pairs.size;
        },
        cut() {
          for (const { client, upstream } of [...pairs]) {
            client.resetAndDestroy();
            upstream.resetAndDestroy();
          }
          pairs.clear();
        },
        blackhole() {
          for (const pair of pairs) {
            pair.client.unpipe(pair.upstream);
            pair.upstream.unpipe(pair.client);
            // Keep reading and throw it away, so nothing flows and nothing backs up.
            pair.client.on('data', () => {});
            pair.upstream.on('data', () => {});
          }
        },
        close() {
          for (const { client, upstream } of pairs) {
            client.destroy();
            upstream.destroy();
          }
          pairs.clear();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}
