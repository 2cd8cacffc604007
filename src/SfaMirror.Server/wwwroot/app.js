// The browser console: act as the SFA side (create a session, send a customer and a product) or as
// the Mirror side (join with a code, see what the SFA side shows). Uses the relay's JavaScript client.
import { MirrorClient } from '/lib/sfa-mirror-client.js';

const $ = (id) => document.getElementById(id);
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

let client = null;
let connecting = null;

function log(text) {
  const li = document.createElement('li');
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  li.append(time, text);
  $('log').prepend(li);
}

function setState(state) {
  const badge = $('connection-state');
  badge.textContent = state;
  badge.dataset.state = state;
}

function setMembers(n) { $('members').textContent = n == null ? '–' : String(n); }

const roleName = (role) => (role === 'host' ? 'SFA (host)' : 'Mirror (viewer)');

function setInSession(code) {
  const inSfa = code != null && mode() === 'sfa';
  const inMirror = code != null && mode() === 'mirror';
  $('send-customer').disabled = !inSfa;
  $('send-product').disabled = !inSfa;
  $('end-session').disabled = !inSfa;
  $('leave-session').disabled = !inMirror;
  document.body.dataset.session = code ?? '';
  if (code == null) setMembers(null);
}

async function ensureClient() {
  if (client) return client;
  if (connecting) return connecting;
  const c = new MirrorClient({ url: wsUrl });
  c.on('state', (s) => {
    setState(s);
    if (s === 'closed' && client === c) {
      client = null;
      setInSession(null);
      log('Connection closed');
    }
  });
  c.on('customer', (payload, { seq }) => { show('customer', payload); log(`Customer update (seq ${seq})`); });
  c.on('product', (payload, { seq }) => { show('product', payload); log(`Product update (seq ${seq})`); });
  c.on('peerJoined', ({ role, members }) => { setMembers(members); log(`${roleName(role)} joined; ${members} member(s)`); });
  c.on('peerLeft', ({ role, members, reason }) => { setMembers(members); log(`${roleName(role)} left (${reason}); ${members} member(s)`); });
  c.on('sessionEnded', ({ reason }) => { setInSession(null); log(`Session ended (${reason})`); });
  c.on('error', (err) => log(`Error ${err?.code ?? ''}: ${err?.message ?? err}`));
  connecting = c.connect()
    .then(() => { client = c; return c; })
    // A client that could not connect keeps retrying by itself; stop it, the next action starts a new one.
    .catch((err) => { c.close(); throw err; })
    .finally(() => { connecting = null; });
  return connecting;
}

async function act(what, fn) {
  try {
    await fn();
  } catch (err) {
    log(`${what} failed: ${err?.code ? err.code + ', ' : ''}${err?.message ?? err}`);
  }
}

// ---- SFA side ----
function customerFromForm() {
  return { id: $('customer-id').value, name: $('customer-name').value, company: $('customer-company').value, email: $('customer-email').value };
}

function productFromForm() {
  const price = $('product-price').value.trim();
  return { sku: $('product-sku').value, name: $('product-name').value, price: price !== '' && Number.isFinite(Number(price)) ? Number(price) : price };
}

function syncJson(kind) {
  const value = kind === 'customer' ? customerFromForm() : productFromForm();
  $(`${kind}-json`).value = JSON.stringify(value, null, 2);
  $(`${kind}-error`).textContent = '';
}

async function send(kind) {
  let payload;
  try {
    payload = JSON.parse($(`${kind}-json`).value);
  } catch (err) {
    $(`${kind}-error`).textContent = `Not valid JSON: ${err.message}`;
    return;
  }
  $(`${kind}-error`).textContent = '';
  await act(`Sending the ${kind}`, async () => {
    const c = await ensureClient();
    const result = kind === 'customer' ? await c.sendCustomer(payload) : await c.sendProduct(payload);
    log(`${kind === 'customer' ? 'Customer' : 'Product'} sent to ${result?.delivered ?? '?'} member(s)`);
  });
}

async function createSession() {
  await act('Creating a session', async () => {
    const c = await ensureClient();
    const { sessionId } = await c.createSession();
    const link = `${location.origin}/mirror/${sessionId}`;
    $('session-code').textContent = sessionId;
    $('mirror-link').href = link;
    $('mirror-link').textContent = link;
    $('mirror-qr').src = `/qr?data=${encodeURIComponent(link)}`;
    $('session-box').hidden = false;
    setMembers(1);
    setInSession(sessionId);
    log(`Session ${sessionId} created; you are its host`);
  });
}

async function endSession() {
  await act('Ending the session', async () => {
    await (await ensureClient()).endSession();
    $('session-box').hidden = true;
    setInSession(null);
  });
}

// ---- Mirror side ----
function field(dl, label, value) {
  if (value == null || typeof value === 'object') return;
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = String(value);
  dl.append(dt, dd);
}

function show(kind, payload) {
  const card = $(`${kind}-card`);
  const body = card.querySelector('.card-body');
  body.replaceChildren();
  $(`${kind}-raw`).textContent = JSON.stringify(payload, null, 2);
  if (payload == null) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = kind === 'customer' ? 'No customer shown.' : 'No product shown.';
    body.append(p);
    return;
  }
  if (typeof payload !== 'object') {
    const p = document.createElement('p');
    p.className = 'title';
    p.textContent = String(payload);
    body.append(p);
    return;
  }
  const title = document.createElement('p');
  title.className = 'title';
  title.textContent = payload.name ?? payload.displayName ?? payload.title ?? payload.id ?? payload.sku ?? '(unnamed)';
  const dl = document.createElement('dl');
  for (const [key, value] of Object.entries(payload)) {
    if (key !== 'name') field(dl, key.charAt(0).toUpperCase() + key.slice(1), value);
  }
  body.append(title, dl);
}

async function join(raw) {
  const code = raw.trim().toUpperCase();
  if (!CODE.test(code)) {
    log(`"${raw}" is not a session code (six letters and digits)`);
    return;
  }
  $('join-code').value = code;
  await act(`Joining ${code}`, async () => {
    const c = await ensureClient();
    const { sessionId, role, members } = await c.joinSession(code);
    setMembers(members);
    setInSession(sessionId);
    log(`Joined ${sessionId} as ${roleName(role)}; ${members} member(s)`);
  });
}

async function leave() {
  await act('Leaving', async () => {
    await (await ensureClient()).leaveSession();
    setInSession(null);
    show('customer', null);
    show('product', null);
    log('Left the session');
  });
}

// ---- modes ----
const mode = () => ($('mode-mirror').checked ? 'mirror' : 'sfa');

function applyMode() {
  $('sfa').hidden = mode() !== 'sfa';
  $('mirror').hidden = mode() !== 'mirror';
  document.body.dataset.mode = mode();
}

$('mode-sfa').addEventListener('change', applyMode);
$('mode-mirror').addEventListener('change', applyMode);
$('create-session').addEventListener('click', createSession);
$('end-session').addEventListener('click', endSession);
for (const kind of ['customer', 'product']) {
  $(`${kind}-form`).addEventListener('input', (e) => { if (e.target.tagName === 'INPUT') syncJson(kind); });
  $(`${kind}-form`).addEventListener('submit', (e) => { e.preventDefault(); send(kind); });
  syncJson(kind);
}
$('join-form').addEventListener('submit', (e) => { e.preventDefault(); join($('join-code').value); });
$('leave-session').addEventListener('click', leave);

// A Mirror screen can be opened straight on a session: /mirror/K7Q2ZP or /?join=K7Q2ZP.
const linked = location.pathname.match(/^\/mirror\/([^/]+)$/)?.[1] ?? new URLSearchParams(location.search).get('join');
if (linked) {
  $('mode-mirror').checked = true;
  applyMode();
  join(decodeURIComponent(linked));
} else {
  applyMode();
}
setState('closed');
document.body.dataset.ready = 'true';
