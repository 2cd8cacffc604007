// The browser console: act as the SFA side (create a session, send a customer and a product) or as
// the Mirror side (join with a code or a join link, see what the SFA side shows). Uses the relay's
// JavaScript client. QR codes are drawn here in the browser (qrcode-generator): the link of an encrypted
// session carries its content key in the fragment, which must never reach a server.
import { MirrorClient, formatJoinLink, parseJoinLink } from '/lib/sfa-mirror-client.js';
import qrcode from '/lib/qrcode-generator.js';

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
  $('lock-session').disabled = !inSfa;
  $('unlock-session').disabled = !inSfa;
  $('leave-session').disabled = !inMirror;
  document.body.dataset.session = code ?? '';
  if (code == null) {
    setMembers(null);
    $('waiting').replaceChildren();
    $('member-list').replaceChildren();
  }
}

function mirrorStatus(text) {
  $('mirror-status').textContent = text ?? '';
  $('mirror-status').hidden = !text;
}

function mirrorPairing(code) {
  $('mirror-pairing-code').textContent = code ?? '';
  $('mirror-pairing').hidden = !code;
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
  c.on('peerJoined', ({ role, members, memberId }) => {
    setMembers(members);
    log(`${roleName(role)} joined; ${members} member(s)`);
    if (c.role === 'host' && role === 'viewer') { removeWaiting(memberId); addMember(memberId); refreshLink(); }
  });
  c.on('peerLeft', ({ role, members, reason, memberId }) => {
    setMembers(members);
    log(`${roleName(role)} left (${reason}); ${members} member(s)`);
    document.querySelector(`#member-list li[data-member-id="${CSS.escape(memberId)}"]`)?.remove();
  });
  c.on('sessionEnded', ({ reason }) => {
    setInSession(null);
    log(`Session ended (${reason})`);
    if (reason === 'kicked') {
      show('customer', null);
      show('product', null);
      mirrorPairing(null);
      mirrorStatus('The salesperson removed this screen from the session.');
    }
  });
  c.on('joinRequested', ({ memberId, userAgent }) => { addWaiting(memberId, userAgent); log('A Mirror asks to join'); refreshLink(); });
  c.on('joinWithdrawn', ({ memberId, reason }) => { removeWaiting(memberId); log(`A waiting Mirror is gone (${reason})`); });
  c.on('pairing', ({ memberId, code, viaLink }) => {
    if (c.role === 'host') {
      showPairing(memberId, code, viaLink);
      log(`Pairing code ${code} for a waiting Mirror${viaLink ? ' (came by the link)' : ''}`);
    } else {
      mirrorPairing(code);
      log(`Pairing code ${code}`);
    }
  });
  c.on('joinPending', () => { mirrorStatus('Waiting for the salesperson to let this screen in…'); log('Waiting for the salesperson'); });
  c.on('joinDenied', ({ reason }) => { mirrorStatus(`The salesperson did not let this screen in (${reason}).`); mirrorPairing(null); log(`Join denied (${reason})`); });
  c.on('undecryptable', ({ kind }) => log(`A ${kind} arrived that this screen cannot decrypt`));
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
    const encrypted = $('create-encrypted').checked;
    const admission = encrypted || $('create-admission').checked;
    const opts = {};
    if (encrypted) opts.encryption = 'e2e';
    if (admission) opts.admission = 'host';
    const { sessionId } = await c.createSession(opts);
    $('session-code').textContent = sessionId;
    $('session-flags').textContent = encrypted ? 'End-to-end encrypted; you admit each Mirror.' : admission ? 'You admit each Mirror.' : '';
    $('session-box').hidden = false;
    setMembers(1);
    setInSession(sessionId);
    log(`Session ${sessionId} created; you are its host`);
    await refreshLink();
  });
}

/** Shows a fresh one-use join link (and its QR code), e.g. after the last one was used or after a kick. */
let linkRefresh = Promise.resolve();
function refreshLink() {
  linkRefresh = linkRefresh.then(() => act('Making a join link', async () => {
    const c = client;
    if (!c || c.role !== 'host') return;
    const link = formatJoinLink(location.origin, await c.createJoinLink({ ttlSeconds: 3600, uses: 1 }));
    $('mirror-link').href = link;
    $('mirror-link').textContent = link;
    $('mirror-qr').src = qrDataUrl(link);
  }));
  return linkRefresh;
}

function qrDataUrl(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(5, 4);
}

function addWaiting(memberId, userAgent) {
  removeWaiting(memberId);
  const li = document.createElement('li');
  li.dataset.memberId = memberId;
  const device = document.createElement('span');
  device.className = 'device';
  device.textContent = userAgent || 'Unknown device';
  const code = document.createElement('output');
  code.className = 'pairing-code';
  code.setAttribute('aria-label', 'Comparison code');
  const via = document.createElement('span');
  via.className = 'via-link';
  const admit = document.createElement('button');
  admit.type = 'button';
  admit.textContent = 'Admit';
  admit.addEventListener('click', () => act('Admitting', async () => { await (await ensureClient()).admit(memberId); removeWaiting(memberId); }));
  const deny = document.createElement('button');
  deny.type = 'button';
  deny.textContent = 'Deny';
  deny.addEventListener('click', () => act('Denying', async () => { await (await ensureClient()).deny(memberId); removeWaiting(memberId); }));
  li.append(device, code, via, admit, deny);
  $('waiting').append(li);
}

function showPairing(memberId, digits, viaLink) {
  const li = document.querySelector(`#waiting li[data-member-id="${CSS.escape(memberId)}"]`);
  if (!li) return;
  li.querySelector('.pairing-code').textContent = digits;
  li.querySelector('.via-link').textContent = viaLink ? 'came by your link' : 'compare with the Mirror';
}

function removeWaiting(memberId) {
  document.querySelector(`#waiting li[data-member-id="${CSS.escape(memberId)}"]`)?.remove();
}

function addMember(memberId) {
  if (document.querySelector(`#member-list li[data-member-id="${CSS.escape(memberId)}"]`)) return;
  const li = document.createElement('li');
  li.dataset.memberId = memberId;
  const name = document.createElement('span');
  name.textContent = `Mirror ${$('member-list').children.length + 1}`;
  const kick = document.createElement('button');
  kick.type = 'button';
  kick.textContent = 'Kick';
  kick.addEventListener('click', () => act('Kicking', async () => {
    await (await ensureClient()).kick(memberId);
    li.remove();
    log('Mirror removed');
    await refreshLink();
  }));
  li.append(name, kick);
  $('member-list').append(li);
}

async function setLocked(locked) {
  await act(locked ? 'Locking' : 'Unlocking', async () => {
    const c = await ensureClient();
    await (locked ? c.lock() : c.unlock());
    log(locked ? 'Session locked' : 'Session unlocked');
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
  await joinWith(`Joining ${code}`, (c) => c.joinSession(code));
}

/** Opened from a join link: the key (and in an encrypted session the content key from the fragment). */
async function joinByLink(link) {
  // The fragment (the content key) stays in this page only: take it off the address bar.
  history.replaceState(null, '', location.pathname + location.search);
  await joinWith('Joining by link', (c) => c.joinSession(link));
}

async function joinWith(what, joinFn) {
  mirrorStatus(null);
  mirrorPairing(null);
  await act(what, async () => {
    const c = await ensureClient();
    const { sessionId, role, members } = await joinFn(c);
    mirrorStatus(null);
    mirrorPairing(null);
    $('join-code').value = sessionId;
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
$('lock-session').addEventListener('click', () => setLocked(true));
$('unlock-session').addEventListener('click', () => setLocked(false));
for (const kind of ['customer', 'product']) {
  $(`${kind}-form`).addEventListener('input', (e) => { if (e.target.tagName === 'INPUT') syncJson(kind); });
  $(`${kind}-form`).addEventListener('submit', (e) => { e.preventDefault(); send(kind); });
  syncJson(kind);
}
$('join-form').addEventListener('submit', (e) => { e.preventDefault(); join($('join-code').value); });
$('leave-session').addEventListener('click', leave);

// A Mirror screen can be opened straight on a session: /mirror/K7Q2ZP, /?join=K7Q2ZP, or a join link
// /?join=<key> (with #k=…&g=… in an encrypted session).
const linked = location.pathname.match(/^\/mirror\/([^/]+)$/)?.[1] ?? new URLSearchParams(location.search).get('join');
const joinLink = parseJoinLink(location.href);
if (linked) {
  $('mode-mirror').checked = true;
  applyMode();
  if (joinLink && !CODE.test(linked.trim().toUpperCase())) joinByLink(joinLink);
  else join(decodeURIComponent(linked));
} else {
  applyMode();
}
setState('closed');
document.body.dataset.ready = 'true';
