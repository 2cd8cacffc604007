#!/usr/bin/env node
// One end of an encrypted session, driven over stdin/stdout, for interop tests (the .NET client's tests run
// it against their own host or viewer). Uses the built client (dist/: run `npm run build` first).
//
//   node clients/js/scripts/e2e-peer.mjs --url ws://127.0.0.1:PORT/ --role host|viewer [--code CODE] [--customer JSON]
//
// Commands, one JSON object per stdin line: {"cmd":"admit","memberId":…}, {"cmd":"kick","memberId":…},
// {"cmd":"customer","payload":{…}} (host), {"cmd":"quit"}. Events, one JSON object per stdout line:
// host: created, pairing {memberId, code}, admitted, kicked, sent {kind}; viewer: pending {memberId},
// pairing {code}, joined, customer {payload}, undecryptable {kind}, ended {reason}; both: error {message}.
import { createInterface } from 'node:readline';
import { MirrorClient } from '../dist/index.js';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      args[argv[i].slice(2)] = argv[i + 1];
      i++;
    }
  }
  return args;
}

const print = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const fail = (err) => print({ event: 'error', message: String(err?.code ? `${err.code}: ${err.message}` : (err?.message ?? err)) });

const args = parseArgs(process.argv.slice(2));
if (!args.url || (args.role !== 'host' && args.role !== 'viewer') || (args.role === 'viewer' && !args.code)) {
  fail('usage: e2e-peer.mjs --url ws://host:port/ --role host|viewer [--code CODE] [--customer JSON]');
  process.exit(2);
}

const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;
const client = new MirrorClient({ url: args.url, WebSocket });
client.on('error', fail);

let quitting = false;
function quit(code = 0) {
  if (quitting) return;
  quitting = true;
  client.close();
  // Let stdout drain before leaving.
  process.stdout.write('', () => process.exit(code));
}

async function runHost() {
  client.on('pairing', ({ memberId, code }) => print({ event: 'pairing', memberId, code }));
  const { sessionId, memberId } = await client.createSession({ encryption: 'e2e' });
  print({ event: 'created', sessionId, memberId });
  if (args.customer) {
    await client.sendCustomer(JSON.parse(args.customer));
    print({ event: 'sent', kind: 'customer' });
  }
  return {
    async admit(cmd) {
      await client.admit(cmd.memberId);
      print({ event: 'admitted', memberId: cmd.memberId });
    },
    async kick(cmd) {
      await client.kick(cmd.memberId);
      print({ event: 'kicked', memberId: cmd.memberId });
    },
    async customer(cmd) {
      await client.sendCustomer(cmd.payload);
      print({ event: 'sent', kind: 'customer' });
    },
  };
}

async function runViewer() {
  client.on('joinPending', ({ memberId }) => print({ event: 'pending', memberId }));
  client.on('pairing', ({ code }) => print({ event: 'pairing', code }));
  client.on('customer', (payload) => print({ event: 'customer', payload }));
  client.on('undecryptable', ({ kind }) => print({ event: 'undecryptable', kind }));
  client.on('sessionEnded', ({ reason }) => print({ event: 'ended', reason }));
  client.on('joinDenied', ({ reason }) => print({ event: 'ended', reason: reason === 'timeout' ? 'timeout' : 'denied' }));
  client
    .joinSession(args.code)
    .then(() => print({ event: 'joined' }))
    .catch((err) => {
      if (err?.code !== 'JOIN_DENIED') fail(err);
    });
  return {};
}

try {
  const commands = args.role === 'host' ? await runHost() : await runViewer();
  // Commands run one at a time, in the order they came.
  let chain = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    chain = chain.then(async () => {
      let cmd;
      try {
        cmd = JSON.parse(line);
      } catch {
        fail(`not JSON: ${line}`);
        return;
      }
      if (cmd.cmd === 'quit') {
        quit(0);
        return;
      }
      const run = commands[cmd.cmd];
      if (!run) {
        fail(`unknown command for a ${args.role}: ${cmd.cmd}`);
        return;
      }
      await run(cmd).catch(fail);
    });
  });
  lines.on('close', () => chain.then(() => quit(0)));
} catch (err) {
  fail(err);
  quit(1);
}
