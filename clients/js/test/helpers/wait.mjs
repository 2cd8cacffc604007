// Every wait has a deadline, so that a missing event fails the test instead of hanging it.

/** Resolves with the arguments of the next `event` from `client` for which `accept(...args)` holds. */
export function nextEvent(client, event, { timeoutMs = 5000, accept = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (...args) => {
      if (accept(...args)) {
        clearTimeout(timer);
        off();
        resolve(args);
      }
    });
  });
}

/** Records every `event` of `client` as an array of argument lists. */
export function record(client, event) {
  const seen = [];
  client.on(event, (...args) => seen.push(args));
  return seen;
}

/** Polls `condition` until it holds. */
export async function until(condition, { timeoutMs = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Rejects with the code of the error it expects, or fails. */
export async function rejectsWithCode(promise, code) {
  try {
    await promise;
  } catch (err) {
    if (err?.code !== code) {
      throw new Error(`expected a MirrorError ${code}, got ${err?.code ?? err}`);
    }
    return err;
  }
  throw new Error(`expected a MirrorError ${code}, but it resolved`);
}

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));
