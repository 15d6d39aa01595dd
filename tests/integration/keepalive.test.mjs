// Integration test: the daemon's keep-alive (limits.idle_ping_s, limits.idle_hangup_s) on the
// real `tutti run`, with phones on the `ws` package. Proves: a quiet phone that answers
// WebSocket pings (as every browser does) is pinged and kept; a phone that talks is never
// pinged; a phone that goes silent, pongs included, loses its socket after idle_hangup_s but
// not its place: it resumes as itself with its token, and the count of such closes is in
// /metrics. The sweep looks at each phone about once a second, hence the bounds below.
// And a socket that is accepted and never sends a byte is closed after 5 s, while one that sends
// its request within that time is served.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone, httpGet, metric } from '../lib/client.mjs';
import net from 'node:net';

const PING_S = 1;
const HANGUP_S = 2.5;
const SILENT_S = 5;	// controller/net.c HANDSHAKE_TIMEOUT_S
let daemon;
let silent;	// { opened, closedAt } of a socket that never speaks, opened first
const phones = [];
const phone = (opts) => { const p = new Phone(daemon.wsUrl, opts); phones.push(p); return p; };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Counts the WebSocket pings a phone gets.
function countPings(p) {
  const seen = { n: 0 };
  p.ws.on('ping', () => { seen.n++; });
  return seen;
}

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    limits: { idle_ping_s: PING_S, idle_hangup_s: HANGUP_S, max_connections_per_address: 100 },
  }), 'keepalive.json') });
  silent = { opened: Date.now(), closedAt: null };
  const sock = net.connect({ host: '127.0.0.1', port: daemon.port });
  sock.on('error', () => {});
  sock.on('close', () => { silent.closedAt = Date.now(); });
  silent.sock = sock;
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  if (daemon) await daemon.stop();
});

test('a quiet phone that answers pings is pinged and kept; a talking phone is not pinged', async () => {
  const quiet = phone();
  const talker = phone();
  await Promise.all([quiet.hello(), talker.hello()]);
  const quietPings = countPings(quiet);
  const talkerPings = countPings(talker);
  const chatter = setInterval(() => talker.send({ type: 'ping', t0: 1 }), 300);
  try {
    await sleep((HANGUP_S + 2.5) * 1000);
  } finally {
    clearInterval(chatter);
  }
  assert.equal(quiet.closed, null, 'the quiet phone answered its pings and is still connected');
  assert.ok(quietPings.n >= 2, `the quiet phone was pinged (${quietPings.n} pings in 5 s)`);
  assert.equal(talker.closed, null);
  assert.equal(talkerPings.n, 0, 'a phone that talks needs no ping');
  const s = await quiet.waitForNext((m) => m.type === 'state', 'a state after the pings');
  assert.ok(s.participants >= 2);
});

test('a phone silent past idle_hangup_s loses its socket, not its place, and resumes as itself', async () => {
  const before = metric((await httpGet(`${daemon.url}metrics`)).body, 'tutti_connections_idle_closed_total');
  const gone = phone({ autoPong: false });	// a phone out of range: nothing comes back
  const w = await gone.hello();
  const seq = gone.vote('song', 1);
  await gone.waitFor((m) => m.type === 'ack' && m.seq === seq, 'the vote\'s ack');
  const t0 = Date.now();
  const closed = await gone.waitClose((HANGUP_S + 3) * 1000);
  const took = (Date.now() - t0) / 1000;
  assert.ok(took >= HANGUP_S - 0.5, `closed after ${took} s of silence, not before idle_hangup_s`);
  assert.notEqual(closed.code, 1000);
  const m = (await httpGet(`${daemon.url}metrics`)).body;
  assert.equal(metric(m, 'tutti_connections_idle_closed_total'), before + 1);

  const back = phone();
  const again = await back.hello({ token: w.token });
  assert.equal(again.id, w.id, 'the same participant');
  assert.equal(again.resumed, true);
  assert.deepEqual(again.votes, { song: 1 }, 'with its vote, counted once');
});

test('a config whose hang-up comes before its ping is refused with the key named', async () => {
  const bad = writeConfig(smallVenue({ limits: { idle_ping_s: 30, idle_hangup_s: 10 } }), 'keepalive-bad.json');
  const r = spawnSync(TUTTI_BIN, ['check', bad], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /limits\/idle_hangup_s.*longer than idle_ping_s/);
});

test('a socket that never sends a byte is closed after 5 s; a slow page load is still served', async () => {
  // A socket that waits 2 s, then asks for /healthz, is served.
  const late = await new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: daemon.port });
    let got = '';
    s.on('error', reject);
    s.on('data', (d) => { got += d; if (got.includes('\r\n\r\n')) { s.destroy(); resolve(got); } });
    setTimeout(() => s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 2000);
  });
  assert.match(late, /^HTTP\/1\.1 200/);
  while (silent.closedAt === null && Date.now() - silent.opened < (SILENT_S + 5) * 1000)
    await sleep(200);
  assert.ok(silent.closedAt !== null, 'the silent socket was closed');
  const after = (silent.closedAt - silent.opened) / 1000;
  assert.ok(after >= SILENT_S - 0.5 && after <= SILENT_S + 3, `closed after ${after} s`);
});
