// The operator's and the artist's console: logs in over HTTP (the daemon sets an HttpOnly
// session cookie), then speaks tutti.console.v1 over a WebSocket: commands out, replies and
// a live view (four times a second) in. No request leaves the daemon.

const $ = (id) => document.getElementById(id);
let socket = null;
let live = null;
let role = null;
let loggedOut = false;

function send(command) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(command));
}

function showReply(message) {
  const el = $('reply');
  el.textContent = message.ok ? 'Done.' : `${message.code}: ${message.message}`;
  el.classList.toggle('bad', !message.ok);
}

// Rebuilds @list only when @key changed: the live view comes four times a second, and a list
// rebuilt under a finger loses the tap (a tablet's touch takes longer than a mouse click).
function keyed(list, key, build) {
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...build());
}

function button(text, testid, onClick) {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  if (testid) b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

// A destructive action takes two taps: the first arms it for three seconds.
function confirmButton(text, testid, onConfirm) {
  let armedUntil = 0;
  const b = button(text, testid, () => {
    if (performance.now() < armedUntil) { armedUntil = 0; b.textContent = text; onConfirm(); return; }
    armedUntil = performance.now() + 3000;
    b.textContent = `${text}? Tap again`;
    setTimeout(() => { if (armedUntil && performance.now() >= armedUntil) b.textContent = text; }, 3100);
  });
  return b;
}

// A linear level (0..1) as dBFS for a person.
const dbfs = (v) => (v > 1e-5 ? `${(20 * Math.log10(v)).toFixed(1)} dBFS` : 'silence');

function render() {
  if (!live) return;
  $('venue-cue').textContent = `${live.cue.index + 1}. ${live.cue.title || live.cue.id} (${live.cue.scene})`;
  keyed($('cues'), JSON.stringify([live.cues, live.cue.index]), () => live.cues.map((cue, i) => {
    const li = document.createElement('li');
    const jump = button(cue.title || cue.id, `cue-${cue.id}`, () => send({ cmd: 'cue.jump', cue: cue.id }));
    li.className = i === live.cue.index ? 'current' : '';
    if (i === live.cue.index) jump.setAttribute('aria-current', 'step');
    li.append(jump);
    return li;
  }));
  const poll = live.poll;
  $('poll-question').textContent = poll
    ? `${poll.question} — ${poll.open ? 'open' : poll.vetoed ? 'vetoed' : poll.revealed ? 'revealed' : 'closed, held'}`
    : 'No poll in this cue';
  $('poll-tallies').replaceChildren(...(poll ? poll.options.map((option, i) => {
    const li = document.createElement('li');
    li.dataset.testid = `tally-${i}`;
    li.innerHTML = '<span></span><b></b>';
    li.firstChild.textContent = option + (poll.winner === i ? ' ★' : '');
    li.lastChild.textContent = String(poll.tallies[i]);
    return li;
  }) : []));
  for (const button of document.querySelectorAll('[data-toggle]')) {
    button.classList.toggle('on', Boolean(live.safety[button.dataset.key]));
  }
  renderMix();
  renderArtist();
  renderRecent();
  renderTexts();
  const ceiling = $('ceiling');
  if (document.activeElement !== ceiling) ceiling.value = String(live.safety.ceiling_dbfs);
  const policy = $('flash-policy');
  if (document.activeElement !== policy) policy.value = String(live.safety.max_flashes_per_s);
  $('curfew').textContent = live.safety.curfew_in_s >= 0
    ? `Curfew in ${Math.ceil(live.safety.curfew_in_s / 60)} min` : '';
  $('alarms-panel').hidden = live.alarms.length === 0;
  keyed($('alarms'), JSON.stringify(live.alarms.map((a) => [a.id, a.message, a.acknowledged])), () => live.alarms.map((alarm) => {
    const li = document.createElement('li');
    li.className = alarm.acknowledged ? 'acknowledged' : 'raised';
    li.textContent = `${alarm.message} `;
    if (!alarm.acknowledged) {
      const ack = document.createElement('button');
      ack.textContent = 'Acknowledge';
      ack.dataset.testid = `ack-${alarm.id}`;
      ack.addEventListener('click', () => send({ cmd: 'alarm.ack', alarm: alarm.id }));
      li.append(ack);
    }
    return li;
  }));
  const stats = [
    ['Participants', live.participants], ['Active (last 10 s)', live.active_10s],
    ['Taps/s', live.taps_per_s.toFixed(1)], ['Inputs/s', live.net.inputs_per_s.toFixed(1)],
    ['Controls', live.controls.join(', ') || 'none'],
    ...live.zones.map((z) => [`Zone ${z.name || z.id}`, `${z.participants} (${z.active_10s} active)`]),
    ['Audio', live.audio.lost ? `LOST: ${live.audio.error}` : live.audio.device],
    ['Audio load', live.audio.load < 0 ? 'no device' : `${(live.audio.load * 100).toFixed(1)} %  xruns ${live.audio.xruns}`],
    ['Audio levels', `in ${dbfs(live.audio.input_level)}, out peak ${live.audio.output_peak_dbfs.toFixed(1)} dBFS, `
      + `limiter ${live.audio.limiter_db.toFixed(1)} dB`],
    ['Stage', live.stage.running ? `${live.stage.p99_ms.toFixed(1)} ms p99` : 'off'],
    ['Connections', live.net.connections],
    ['Tick', `max ${live.net.tick_max_ms.toFixed(2)} ms, ${live.net.tick_overruns} overruns`],
    ['Broadcasts', `${live.net.broadcasts} (${live.net.state_bytes} B)`],
    ['Refused', Object.entries(live.net.rejected).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
  ];
  $('stats').replaceChildren(...stats.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = k;
    dd.textContent = String(v);
    return [dt, dd];
  }));
}

// One slider per mapping of the current cue; a slider being dragged keeps its own value.
function renderMix() {
  const box = $('mix');
  if (!live.mix.length) { box.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'No crowd mapping in this cue' })); return; }
  const key = `${live.cue.index}:${live.mix.length}`;
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren(...live.mix.map((m) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', min: 0, max: 1, step: 0.05 });
      input.dataset.testid = `mix-${m.mapping}`;
      input.addEventListener('change', () => send({ cmd: 'mix.set', mapping: m.mapping, crowd: Number(input.value) }));
      label.append(`${m.source} → ${m.target} `, input);
      return label;
    }));
  }
  live.mix.forEach((m, i) => {
    const input = box.querySelectorAll('input')[i];
    if (input && document.activeElement !== input) input.value = String(m.crowd);
  });
}

// The artist's controls: a slider per parameter of the current cue (the cutoff on a log scale,
// as ears hear it), with its value, and Reset back to the cue's own value.
const LOG_TARGETS = new Set(['filter_cutoff']);
const toSlider = (c, v) => (LOG_TARGETS.has(c.target) ? Math.log(v / c.min) / Math.log(c.max / c.min) : (v - c.min) / (c.max - c.min));
const fromSlider = (c, x) => (LOG_TARGETS.has(c.target) ? c.min * (c.max / c.min) ** x : c.min + x * (c.max - c.min));
const shown = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

function renderArtist() {
  const box = $('artist-controls');
  keyed(box, `${live.cue.index}:${live.artist.map((c) => c.target).join()}`, () => live.artist.map((c) => {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'range', min: 0, max: 1, step: 0.005 });
    const value = document.createElement('output');
    input.dataset.testid = `artist-${c.target}`;
    input.addEventListener('input', () => { value.textContent = shown(fromSlider(c, Number(input.value))); });
    input.addEventListener('change', () => send({ cmd: 'artist.control', target: c.target, value: fromSlider(c, Number(input.value)) }));
    const reset = button('Reset', `artist-reset-${c.target}`, () => send({ cmd: 'artist.control', target: c.target, value: null }));
    const head = document.createElement('span');
    head.append(`${c.target} `, value);
    label.append(head, input, reset);
    return label;
  }));
  live.artist.forEach((c, i) => {
    const label = box.children[i];
    const input = label?.querySelector('input');
    if (!input || document.activeElement === input) return;
    input.value = String(toSlider(c, c.value));
    label.querySelector('output').textContent = shown(c.value) + (c.value !== c.config ? ` (cue: ${shown(c.config)})` : '');
  });
}

function renderRecent() {
  $('moderation').hidden = role !== 'operator';
  keyed($('recent'), live.recent.join(), () => live.recent.map((id) => {
    const li = document.createElement('li');
    li.append(`${id} `, button('Mute', `mute-${id}`, () => send({ cmd: 'moderate.mute', participant: id, on: true })),
      ' ', confirmButton('Remove', `kick-${id}`, () => send({ cmd: 'moderate.kick', participant: id })));
    return li;
  }));
}

// Crowd messages: the moderators' queue (oldest first) and what is on the stage screen now.
function renderTexts() {
  const t = live.texts;
  $('texts').hidden = !t; // the operator's only: the artist's live view carries none
  if (!t) return;
  $('texts-summary').textContent = `${t.waiting} waiting · ${t.approved} approved · ${t.rejected} rejected · `
    + `${t.filtered} stopped by the word filter`;
  keyed($('texts-pending'), t.pending.map((x) => x.id).join(), () => t.pending.map((x) => {
    const li = document.createElement('li');
    const text = Object.assign(document.createElement('q'), { textContent: x.text });
    const who = Object.assign(document.createElement('small'), { textContent: `${x.from} · ${x.zone}` });
    const row = document.createElement('div');
    row.className = 'row';
    row.append(button('Approve', `approve-${x.id}`, () => send({ cmd: 'moderate.approve', text: x.id })),
      button('Reject', `reject-${x.id}`, () => send({ cmd: 'moderate.reject', text: x.id })),
      button('Mute sender', `mute-text-${x.id}`, () => send({ cmd: 'moderate.mute', participant: x.from, on: true })));
    li.dataset.testid = `pending-${x.id}`;
    li.append(text, who, row);
    return li;
  }));
  keyed($('texts-wall'), t.wall.map((x) => x.id).join() || 'empty', () => (t.wall.length ? t.wall.map((x) => {
    const li = document.createElement('li');
    li.dataset.testid = `shown-${x.id}`;
    li.append(Object.assign(document.createElement('q'), { textContent: x.text }),
      Object.assign(document.createElement('small'), { textContent: x.from }),
      button('Take down', `take-down-${x.id}`, () => send({ cmd: 'moderate.take_down', text: x.id })));
    return li;
  }) : [Object.assign(document.createElement('li'), { className: 'hint', textContent: 'Nothing on the screen.' })]));
}

function connect() {
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`, 'tutti.console.v1');
  socket.onopen = () => { $('link').textContent = 'live'; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'live') { live = message; render(); }
    if (message.type === 'reply') showReply(message);
  };
  socket.onclose = (event) => {
    $('link').textContent = event.code === 1008 ? 'session expired' : 'offline';
    if (event.code === 1008) { showLogin('Your session ended: log in again.'); return; }
    if (!loggedOut) setTimeout(connect, 1000);
  };
}

function showLogin(message = '') {
  $('desk').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

function showDesk() {
  $('login').hidden = true;
  $('desk').hidden = false;
  $('whoami').textContent = role;
  $('safety').hidden = role !== 'operator';
  connect();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const response = await fetch('/console/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: $('role').value, password: $('password').value }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { $('login-error').textContent = body.message || `Refused (${response.status})`; return; }
  role = body.role;
  loggedOut = false;
  $('password').value = '';
  showDesk();
});

$('go').addEventListener('click', () => send({ cmd: 'cue.go' }));
$('back').addEventListener('click', () => send({ cmd: 'cue.back' }));
for (const button of document.querySelectorAll('[data-cmd]')) {
  button.addEventListener('click', () => send({ cmd: button.dataset.cmd }));
}
for (const button of document.querySelectorAll('[data-toggle]')) {
  button.addEventListener('click', () => send({ cmd: button.dataset.toggle, on: !live?.safety[button.dataset.key] }));
}
$('ceiling').addEventListener('change', (event) => {
  send({ cmd: 'safety.ceiling', dbfs: Number(event.target.value) });
});
$('flash-policy').addEventListener('change', (event) => {
  send({ cmd: 'safety.flash_policy', max_per_s: Number(event.target.value) });
});
$('logout').addEventListener('click', async () => {
  loggedOut = true;
  await fetch('/console/logout', { method: 'POST' });
  socket?.close();
  showLogin();
});
