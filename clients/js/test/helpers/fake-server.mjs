// A scripted WebSocket peer (not the relay): it answers as each test tells it, to show what the client
// does with silence, garbage and odd answers that the real relay never sends.
import { WebSocketServer } from 'ws';

/** `onConnection(socket)` and `onMessage(msg, socket)` script the peer; `msg` is parsed JSON. */
export function startFakeServer({ onConnection = () => {}, onMessage = () => {} } = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const sockets = [];
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        onMessage(JSON.parse(data.toString()), socket);
      }
    });
    onConnection(socket);
  });
  return new Promise((resolve) => {
    wss.on('listening', () => {
      resolve({
        url: `ws://127.0.0.1:${wss.address().port}`,
        sockets,
        close() {
          for (const socket of wss.clients) {
            socket.terminate();
          }
          return new Promise((r) => wss.close(() => r()));
        },
      });
    });
  });
}

export const send = (socket, msg) => socket.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
