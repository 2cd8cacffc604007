// The admin dashboard: polls /admin/api/stats every second with the token from session storage.
// The token never goes into a URL (URLs end up in access logs and browser history).
const $ = (id) => document.getElementById(id);
const KEY = 'sfa-mirror-admin-token';
let timer = null;

function setLive(text, state) {
  $('live-state').textContent = text;
  $('live-state').dataset.state = state;
}

function signedOut(message) {
  clearTimeout(timer);
  sessionStorage.removeItem(KEY);
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('sign-out').hidden = true;
  $('login-error').textContent = message ?? '';
  setLive('signed out', 'closed');
  $('token').focus();
}

async function poll() {
  const token = sessionStorage.getItem(KEY);
  if (!token) return signedOut();
  try {
    const response = await fetch('/admin/api/stats', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) return signedOut('The token was refused.');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    setLive('live', 'open');
  } catch (err) {
    setLive(`retrying (${err.message})`, 'reconnecting');
  }
  timer = setTimeout(poll, 1000);
}

const fmtRate = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
function fmtAge(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// The session's access controls in a few words: what an operator asks about a session holding customer data.
function controls(s) {
  const words = [];
  if (s.encrypted) words.push('encrypted');
  if (s.admission) words.push('admission');
  if (s.readOnly) words.push('read-only viewers');
  if (s.locked) words.push('locked');
  return words.length === 0 ? '—' : words.join(', ');
}

function render(stats) {
  $('count-connections').textContent = stats.connections;
  $('count-sessions').textContent = stats.sessions;
  $('count-members').textContent = stats.members;
  $('queue-bytes').textContent = fmtBytes(stats.sendQueueBytes);
  const last = stats.rates.at(-1) ?? { in: 0, out: 0 };
  $('rate-in').textContent = fmtRate(last.in);
  $('rate-out').textContent = fmtRate(last.out);
  $('node').textContent = stats.node;
  drawChart(stats.rates);

  const body = $('sessions').tBodies[0];
  body.replaceChildren(...stats.sessionList.map((s) => {
    const tr = document.createElement('tr');
    tr.dataset.code = s.code;
    for (const text of [s.code, s.hosts, s.viewers, s.waiting, fmtAge(s.ageSeconds), `${fmtAge(s.idleSeconds)} ago`, s.seq, s.host ?? '—', controls(s)]) {
      const td = document.createElement('td');
      td.textContent = String(text);
      tr.append(td);
    }
    return tr;
  }));
  // Joins over a failed-join budget and upgrades over a connection limit, most refused first.
  $('refused').tBodies[0].replaceChildren(...stats.refusedAddresses.map((r) => {
    const tr = document.createElement('tr');
    for (const text of [r.address, r.refusals]) {
      const td = document.createElement('td');
      td.textContent = String(text);
      tr.append(td);
    }
    return tr;
  }));
  $('refused-caption').textContent = stats.refusedAddresses.length === 0 ? 'None refused' : 'Most refused first';
  const n = stats.sessionList.length;
  $('sessions-caption').textContent = n === 0 ? 'No sessions'
    : `${n} session${n === 1 ? '' : 's'}${stats.sessionListTruncated ? ' (first ones only)' : ''}, most recently active first`;
}

const SVG = 'http://www.w3.org/2000/svg';
const CAPACITY = 300;
function drawChart(rates) {
  const svg = $('chart');
  for (const el of [...svg.querySelectorAll('polyline, line')]) el.remove();
  const max = Math.max(1, ...rates.map((r) => Math.max(r.in, r.out)));
  const top = niceCeiling(max);
  const W = 600, H = 180;
  for (let i = 1; i < 4; i++) {
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('class', 'grid');
    line.setAttribute('x1', 0); line.setAttribute('x2', W);
    line.setAttribute('y1', (H * i) / 4); line.setAttribute('y2', (H * i) / 4);
    svg.append(line);
  }
  const offset = CAPACITY - rates.length;
  for (const key of ['in', 'out']) {
    const points = rates.map((r, i) => `${(((offset + i) / (CAPACITY - 1)) * W).toFixed(1)},${(H - (r[key] / top) * H).toFixed(1)}`);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', key);
    line.setAttribute('points', points.join(' '));
    svg.append(line);
  }
  $('chart-max').textContent = `top of chart: ${top} msg/s`;
}
function niceCeiling(n) {
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (n <= m * p) return m * p;
  return 10 * p;
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('token').value);
  $('token').value = '';
  $('login-error').textContent = '';
  clearTimeout(timer);
  poll();
});
$('sign-out').addEventListener('click', () => signedOut());

if (sessionStorage.getItem(KEY)) poll(); else signedOut();
