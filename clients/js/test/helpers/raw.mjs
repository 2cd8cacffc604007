// A bare WebSocket member that sends what the test says and keeps every frame it gets: what the relay
// really stores and forwards, without the client's decoding in between.
import WebSocket from 'ws';

export async function rawMember(url) {
  const socket = new WebSocket(url);
  const frames = [];
  const waiters = [];
  socket.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    msg.raw = data.toString();
    frames.push(msg);
    for (const w of [...waiters]) {
      if (w.accept(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    frames,
    send: (msg) => socket.send(JSON.stringify(msg)),
    /** The first frame (already got or coming) for which `accept` holds. */
    next(accept, timeoutMs = 5000) {
      const seen = frames.find(accept);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { accept, resolve, timer: setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms`)), timeoutMs) };
        waiters.push(w);
      });
    },
    close: () => socket.terminate(),
  };
}
