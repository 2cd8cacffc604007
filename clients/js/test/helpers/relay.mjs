// Starts the real relay (the Release dll that `npm test` builds) on a loopback port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { serverDll } from './paths.mjs';

const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts the relay. `settings` are Relay options (e.g. { KeepAliveIntervalSeconds: 1 }).
 * Resolves once /healthz answers; `stop()` sends SIGTERM (the relay closes its sockets with 1012).
 */
export async function startRelay({ port, settings = {}, startTimeoutMs = 30000 } = {}) {
  if (!existsSync(serverDll)) {
    throw new Error(`${serverDll} is missing: run npm test, which builds it`);
  }
  port ??= await freePort();
  const env = {
    ...process.env,
    ASPNETCORE_URLS: `http://127.0.0.1:${port}`,
    DOTNET_ENVIRONMENT: 'Production',
    Logging__LogLevel__Default: 'Warning',
    Logging__LogLevel__Microsoft__Hosting__Lifetime: 'Warning',
  };
  for (const [key, value] of Object.entries(settings)) {
    env[`Relay__${key}`] = String(value);
  }
  const child = spawn('dotnet', [serverDll], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  const deadline = Date.now() + startTimeoutMs;
  let exitedEarly = false;
  exited.then(() => (exitedEarly = true));
  while (!(await healthy(port))) {
    if (exitedEarly || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`relay did not start on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(killer);
    },
  };
}
