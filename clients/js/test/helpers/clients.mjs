import WebSocket from 'ws';
import { MirrorClient } from '../../dist/index.js';

/** Makes clients with short test times and closes them all in `closeAll()`. */
export function clientFactory() {
  const made = [];
  return {
    make(url, options = {}) {
      const client = new MirrorClient({
        url,
        WebSocket,
        requestTimeoutMs: 3000,
        heartbeatIntervalMs: 0,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
        ...options,
      });
      made.push(client);
      return client;
    },
    closeAll() {
      for (const client of made.splice(0)) {
        client.close();
      }
    },
  };
}
