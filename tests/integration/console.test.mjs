// Integration test: the console's login and socket on the real daemon.
// Proves: a wrong password is 401 and a foreign Origin 403; a right one sets an HttpOnly,
// SameSite=Strict session cookie; the console socket is refused without that cookie and
// with a foreign Origin; with it, the live view arrives, GO moves the show (phones see the
// new cue), the artist's role is refused the safety panel, a freeze reaches the phones, and
// a session that ends (logout, like expiry) closes its socket with 1008, shutdown closes it
// with 1001, login takes only POST (405), a venue without a console answers 404 and refuses
// the socket, and an address that keeps failing is slowed down (429). A venue whose live view
// outgrows the first 64 KiB buffer (many long cue titles) still reaches the console, and
// `tutti check` warns about its size beforehand.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const PASSWORD = 'front of house';
const ARTIST_PASSWORD = 'on the stage';
const hash = (password) => execFileSync(TUTTI_BIN, ['hash-password'], { input: `${password}\n` }).toString().trim();
let daemon;
const sockets = [];

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hash(PASSWORD), artist_password_hash: hash(ARTIST_PASSWORD) },
  })) });
});

after(async () => {
  for (const s of sockets) s.terminate();
  if (daemon) await daemon.stop();
});

function login(role, password, headers = {}) {
  return fetch(`${daemon.url}console/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ role, password }),
  });
}

function cookieOf(response) {
  return response.headers.get('set-cookie')?.split(';')[0];
}

// Opens the console socket; resolves with { ws, messages, next(test) } or rejects when refused.
function openConsole(headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(daemon.wsUrl, 'tutti.console.v1', { headers });
    const messages = [];
    const waiters = [];
    sockets.push(ws);
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      messages.push(m);
      for (const w of waiters.splice(0)) if (!w(m)) waiters.push(w);
    });
    ws.once('open', () => resolve({
      ws, messages,
      next: (want, ms = 3000) => new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error('timed out')), ms);
        waiters.push((m) => (want(m) ? (clearTimeout(timer), res(m), true) : false));
      }),
      send: (cmd) => ws.send(JSON.stringify(cmd)),
    }));
    ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

test('a wrong password and a foreign Origin are refused', async () => {
  const wrong = await login('operator', 'not it');
  assert.equal(wrong.status, 401);
  assert.equal(cookieOf(wrong), undefined);
  const foreign = await login('operator', PASSWORD, { Origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(cookieOf(foreign), undefined);
});

test('the session cookie is HttpOnly and SameSite=Strict, and the socket needs it', async () => {
  const ok = await login('operator', PASSWORD);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { role: 'operator', expires_in_s: 28800 });
  const cookie = ok.headers.get('set-cookie');
  assert.match(cookie, /^tutti_console=[0-9a-f]{64};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  await assert.rejects(openConsole(), /HTTP 403/);
  await assert.rejects(openConsole({ Cookie: 'tutti_console=' + '0'.repeat(64) }), /HTTP 403/);
  await assert.rejects(openConsole({ Cookie: cookieOf(ok), Origin: 'http://evil.example' }), /HTTP 403/);
});

test('the operator sees the live view and GO moves the show for the phones', async () => {
  const phone = new Phone(daemon.wsUrl);
  sockets.push(phone.ws);
  await phone.hello();
  const cookie = cookieOf(await login('operator', PASSWORD));
  const c = await openConsole({ Cookie: cookie });
  const first = await c.next((m) => m.type === 'live');
  assert.equal(first.cue.id, 'play');
  assert.equal(first.cues.length, 2);
  assert.deepEqual(first.alarms, []);
  assert.equal(first.safety.ceiling_dbfs, -1);
  assert.equal(first.audio.load, -1, 'no sound card (--audio none): no load to show');
  assert.equal(typeof first.net.inputs_per_s, 'number');
  assert.equal(typeof first.net.rejected, 'object');
  assert.equal(typeof first.audio.input_level, 'number');
  assert.equal(typeof first.audio.limiter_db, 'number');
  // Active in the last 10 s: the phone has not played yet; after a tap it counts, venue and zone.
  assert.equal(first.active_10s, 0);
  phone.input('tap');
  const played = await c.next((m) => m.type === 'live' && m.active_10s === 1);
  assert.equal(played.zones.reduce((n, z) => n + z.active_10s, 0), 1);
  assert.equal(played.recent.length, 1, 'the operator sees who acted');
  c.send({ cmd: 'safety.ceiling', dbfs: -9 });
  await c.next((m) => m.type === 'live' && m.safety.ceiling_dbfs === -9);
  c.send({ cmd: 'safety.ceiling', dbfs: null });
  await c.next((m) => m.type === 'live' && m.safety.ceiling_dbfs === -1);
  c.send({ cmd: 'alarm.ack', alarm: 'audio_lost' });
  assert.equal((await c.next((m) => m.type === 'reply')).code, 'unknown_alarm');
  assert.ok(first.participants >= 1);
  c.send({ cmd: 'cue.go' });
  assert.deepEqual(await c.next((m) => m.type === 'reply'), { type: 'reply', ok: true });
  await c.next((m) => m.type === 'live' && m.cue.id === 'quiet');
  await phone.waitFor((m) => m.type === 'state' && m.cue?.id === 'quiet', 'the new cue on the phone');
  c.send({ cmd: 'cue.go' });
  const last = await c.next((m) => m.type === 'reply');
  assert.equal(last.code, 'last_cue');
  c.send({ cmd: 'cue.jump', cue: 'play' });
  await c.next((m) => m.type === 'reply' && m.ok);
  // A freeze reaches the phones: no controls, the state says why, and inputs are refused.
  c.send({ cmd: 'safety.freeze', on: true });
  await c.next((m) => m.type === 'live' && m.safety.freeze);
  await phone.waitForNext((m) => m.type === 'state' && m.cue?.controls?.length === 0 && m.frozen === true,
    'a frozen state');
  c.send({ cmd: 'safety.freeze', on: false });
  await c.next((m) => m.type === 'live' && !m.safety.freeze);
  await phone.waitForNext((m) => m.type === 'state' && m.cue?.controls?.length > 0 && m.frozen === false,
    'the controls back');
});

test('a console asks whether its session is live before it opens its socket', async () => {
  const none = await fetch(`${daemon.url}console/session`);
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error, 'no_session');
  const cookie = cookieOf(await login('artist', ARTIST_PASSWORD));
  const live = await fetch(`${daemon.url}console/session`, { headers: { Cookie: cookie } });
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { role: 'artist' });
  await fetch(`${daemon.url}console/logout`, { method: 'POST', headers: { Cookie: cookie } });
  const gone = await fetch(`${daemon.url}console/session`, { headers: { Cookie: cookie } });
  assert.equal(gone.status, 401, 'a logged-out session is gone');
});

test('the artist may run the show but not the safety panel', async () => {
  const res = await login('artist', ARTIST_PASSWORD);
  assert.equal(res.status, 200);
  const c = await openConsole({ Cookie: cookieOf(res) });
  c.send({ cmd: 'safety.blackout', on: true });
  const refused = await c.next((m) => m.type === 'reply');
  assert.equal(refused.code, 'forbidden');
  c.send({ cmd: 'poll.open' });
  assert.equal((await c.next((m) => m.type === 'reply')).ok, true);
  const live = await c.next((m) => m.type === 'live');
  assert.equal(live.safety.blackout, false);
  assert.deepEqual(live.recent, [], 'the artist sees no participant ids');
  assert.equal(live.texts, null, 'nor the crowd text nobody approved');
});

test('an alarm reaches the console and is acknowledged there', async () => {
  const small = await startDaemon({ config: writeConfig(smallVenue({
    capacity: 1, zones: [{ id: 'floor', name: 'Floor', capacity: 1 }],
    console: { operator_password_hash: hash(PASSWORD) },
  })) });
  try {
    const res = await fetch(`${small.url}console/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'operator', password: PASSWORD }),
    });
    const ws = new WebSocket(small.wsUrl, 'tutti.console.v1', { headers: { Cookie: cookieOf(res) } });
    sockets.push(ws);
    const seen = (want) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), 5000);
      const on = (data) => {
        const m = JSON.parse(data.toString());
        if (want(m)) { clearTimeout(timer); ws.off('message', on); resolve(m); }
      };
      ws.on('message', on);
    });
    const phone = new Phone(small.wsUrl);
    sockets.push(phone.ws);
    await phone.hello();
    const full = await seen((m) => m.type === 'live' && m.alarms.some((a) => a.id === 'venue_full'));
    const alarm = full.alarms.find((a) => a.id === 'venue_full');
    assert.equal(alarm.acknowledged, false);
    assert.match(alarm.message, /1 of 1/);
    ws.send(JSON.stringify({ cmd: 'alarm.ack', alarm: 'venue_full' }));
    await seen((m) => m.type === 'reply' && m.ok);
    await seen((m) => m.type === 'live' && m.alarms.find((a) => a.id === 'venue_full')?.acknowledged === true);
  } finally {
    await small.stop();
  }
});

test('a session that ends closes its console socket with 1008', async () => {
  const cookie = cookieOf(await login('operator', PASSWORD));
  const c = await openConsole({ Cookie: cookie });
  await c.next((m) => m.type === 'live');
  const closed = new Promise((resolve) => c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  // Logging out ends the session exactly as its expiry does: the socket's next check closes it.
  const out = await fetch(`${daemon.url}console/logout`, { method: 'POST', headers: { Cookie: cookie } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /tutti_console=; .*Max-Age=0/);
  const { code, reason } = await closed;
  assert.equal(code, 1008);
  assert.match(reason, /session expired/);
  await assert.rejects(openConsole({ Cookie: cookie }), /HTTP 403/);
});

test('login takes only POST, and a venue without a console has none to log in to', async () => {
  const get = await fetch(`${daemon.url}console/login`);
  assert.equal(get.status, 405);
  assert.equal((await get.json()).error, 'method');
  const bare = await startDaemon({ config: writeConfig(smallVenue(), 'bare.json') });
  try {
    const res = await fetch(`${bare.url}console/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'operator', password: PASSWORD }),
    });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, 'no_console');
    const ws = new WebSocket(bare.wsUrl, 'tutti.console.v1');
    const status = await new Promise((resolve, reject) => {
      ws.once('unexpected-response', (req, r) => { resolve(r.statusCode); req.destroy(); });
      ws.once('open', () => reject(new Error('a venue without a console accepted its socket')));
    });
    assert.equal(status, 403);
  } finally {
    assert.equal(await bare.stop(), 0);
  }
});

test('SIGTERM closes the console socket with 1001', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hash(PASSWORD) },
  }), 'stopping.json') });
  const res = await fetch(`${d.url}console/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'operator', password: PASSWORD }),
  });
  const ws = new WebSocket(d.wsUrl, 'tutti.console.v1', { headers: { Cookie: cookieOf(res) } });
  sockets.push(ws);
  await new Promise((resolve, reject) => { ws.once('message', resolve); ws.once('error', reject); });
  const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  assert.equal(await d.stop(), 0, d.output());
  const { code, reason } = await closed;
  assert.equal(code, 1001);
  assert.match(reason, /daemon stopping/);
});

test('a live view over 64 KiB still reaches the console, and tutti check warns about it', async () => {
  // 256 cues whose titles are all quotes: each title doubles when escaped in JSON.
  const cues = Array.from({ length: 256 }, (_, i) => ({
    id: `cue-${i}`, title: `"Act ${i}" ${'"'.repeat(150)}`.slice(0, 160), scene: 'title', controls: [],
  }));
  const config = writeConfig(smallVenue({ cues, console: { operator_password_hash: hash(PASSWORD) } }), 'long.json');
  const check = spawnSync(TUTTI_BIN, ['check', config]);
  assert.equal(check.status, 0, check.stderr.toString());
  const warned = check.stderr.toString().match(/warning: \/cues: the console's live view may reach about (\d+) KiB/);
  assert.ok(warned, `tutti check did not warn: ${check.stderr}`);
  const long = await startDaemon({ config });
  try {
    const res = await fetch(`${long.url}console/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'operator', password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    const ws = new WebSocket(long.wsUrl, 'tutti.console.v1', { headers: { Cookie: cookieOf(res) } });
    sockets.push(ws);
    const views = await new Promise((resolve, reject) => {
      const got = [];
      const timer = setTimeout(() => reject(new Error(`${got.length} live views in 3 s`)), 3000);
      ws.on('message', (data) => {
        got.push(data.length);
        const m = JSON.parse(data.toString());
        assert.equal(m.type, 'live', `not a live view: ${data.toString().slice(0, 200)}`);
        assert.equal(m.cues.length, 256);
        if (got.length === 3) { clearTimeout(timer); resolve(got); }
      });
    });
    assert.ok(views.every((n) => n > 65536), `live views of ${views} bytes: the test venue is too small`);
    assert.ok(views.every((n) => n <= Number(warned[1]) * 1024), `live views of ${views} bytes, estimated ${warned[1]} KiB`);
    ws.close();
  } finally {
    assert.equal(await long.stop(), 0);
  }
});

// Last: it leaves this address slowed down for the tests after it.
test('an address that keeps failing is slowed down', async () => {
  const codes = [];
  for (let i = 0; i < 5; i += 1) codes.push((await login('operator', `guess ${i}`)).status);
  assert.deepEqual(codes.slice(0, 3), [401, 401, 401]);
  assert.ok(codes.slice(3).includes(429), `got ${codes}`);
  const slowed = await login('operator', PASSWORD);
  assert.equal(slowed.status, 429);
  assert.equal(slowed.headers.get('retry-after'), '30');
});
