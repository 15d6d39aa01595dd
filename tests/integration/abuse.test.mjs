// Abuse test: the real daemon, attacked over loopback the way a laptop in the crowd could attack
// it on the venue Wi-Fi (docs/security.md). Each test is one attack that once took the show
// down or locked someone out, and asserts that the show, the other phones and the operator
// carry on. Attackers use source addresses 127.0.0.5-.8; honest clients use others.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import WebSocket from 'ws';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const PASSWORD = 'front-of-house';
const ARTIST = 'on-the-stage';
const hash = (p) => execFileSync(TUTTI_BIN, ['hash-password'], { input: `${p}\n` }).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let hashes;

before(() => { hashes = { operator_password_hash: hash(PASSWORD), artist_password_hash: hash(ARTIST) }; });

// Opens @n TCP sockets from @localAddress that never send a byte; resolves once all are open
// (or refused), to the sockets and a count of those the daemon has closed so far.
function idleSockets(port, localAddress, n) {
  const socks = [];
  let closed = 0;
  return new Promise((resolve) => {
    let settled = 0;
    for (let i = 0; i < n; i += 1) {
      const s = net.connect({ host: '127.0.0.1', port, localAddress });
      socks.push(s);
      const done = () => { settled += 1; if (settled === n) resolve({ socks, closed: () => closed }); };
      s.once('connect', done);
      s.once('error', () => {});
      s.once('close', () => { closed += 1; });
      s.once('close', () => { if (!s.connecting) return; done(); });
    }
  });
}

function login(url, role, password, localAddress) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ role, password });
    const u = new URL('console/login', url);
    const s = net.connect({ host: u.hostname, port: Number(u.port), localAddress }, () => {
      s.write(`POST /console/login HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('error', reject);
    s.on('close', () => {
      const status = Number(data.split(' ')[1]);
      const cookie = (data.match(/Set-Cookie: ([^;]+)/i) || [])[1];
      resolve({ status, cookie, raw: data });
    });
  });
}

test('one address holding idle sockets cannot lock out a phone from another', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue()), prefix: ['prlimit', '--nofile=600'] });
  try {
    const idle = await idleSockets(d.port, '127.0.0.5', 700);
    const phone = new Phone(d.wsUrl, { localAddress: '127.0.0.9' });
    const w = await phone.hello();
    assert.ok(w.token, 'the phone from another address is welcomed');
    // Past the per-address cap, the daemon closed the attacker's extra sockets at once.
    assert.ok(idle.closed() >= 600, `only ${idle.closed()} of 700 idle sockets were closed`);
    await phone.close();
    for (const s of idle.socks) s.destroy();
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

// Opens a phone from @localAddress; resolves to 'welcome', or to why it got none.
async function tryPhone(wsUrl, localAddress) {
  const phone = new Phone(wsUrl, { localAddress });
  try {
    await Promise.race([phone.opened, sleep(2000).then(() => { throw new Error('no handshake'); })]);
    const w = await phone.hello();
    return w.token ? 'welcome' : 'no token';
  } catch (e) {
    return `refused (${e.message})`;
  } finally {
    phone.ws.terminate();
  }
}

test('half-sent handshakes time out and free their place', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({ limits: { max_connections_per_address: 4 } })) });
  try {
    // More half-sent requests than the address may hold: those over its cap close at once.
    const socks = [];
    const closed = [];
    let connected = 0;
    for (let i = 0; i < 30; i += 1) {
      const s = net.connect({ host: '127.0.0.1', port: d.port, localAddress: '127.0.0.6' });
      s.on('connect', () => { connected += 1; s.write('GET / HTTP/1.1\r\nHost: x\r\n'); });	// never finished
      s.on('error', () => {});
      closed.push(new Promise((r) => s.on('close', () => r(Date.now()))));
      socks.push(s);
    }
    const t0 = Date.now();
    await sleep(500);
    // While they hold the address's places, another phone from it is refused; one from elsewhere is not.
    assert.match(await tryPhone(d.wsUrl, '127.0.0.6'), /^refused/);
    assert.equal(await tryPhone(d.wsUrl, '127.0.0.9'), 'welcome');
    const times = await Promise.all(closed);
    const waited = Math.max(...times) - t0;
    assert.ok(waited < 9000, `half-sent handshakes held for ${waited} ms`);
    assert.ok(connected > 0);
    assert.equal(await tryPhone(d.wsUrl, '127.0.0.6'), 'welcome', 'the address has its places back');
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('a login flood from one address never locks the operator out, and parallel guesses get the free tries only', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({ console: hashes })) });
  try {
    // 1,500 logins sent and abandoned at once, from one address.
    const u = new URL(d.url);
    const body = JSON.stringify({ role: 'operator', password: 'not-the-password' });
    const req = `POST /console/login HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n`
      + `Content-Length: ${body.length}\r\n\r\n${body}`;
    const flood = [];
    for (let i = 0; i < 1500; i += 1) {
      flood.push(new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: d.port, localAddress: '127.0.0.7' }, () => { s.end(req); s.destroy(); resolve(); });
        s.on('error', resolve);
      }));
    }
    await Promise.all(flood);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await login(d.url, 'operator', PASSWORD, '127.0.0.10')).status);
    assert.deepEqual(statuses, [200, 200, 200], `the operator got ${statuses}`);
    // Eight wrong guesses at once from one address: at most the three free ones reach a password check.
    const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => login(d.url, 'operator', `guess-${i}`, '127.0.0.8')));
    const checked = guesses.filter((g) => g.status === 401).length;
    assert.ok(checked <= 3, `${checked} parallel guesses were checked: ${guesses.map((g) => g.status)}`);
    assert.ok(guesses.every((g) => g.status === 401 || g.status === 429), `${guesses.map((g) => g.status)}`);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('a binary flood is closed with 1008, and its errors are coalesced', async () => {
  // Like any flood, it is closed once it has gone on for throttle_close_s (2 s here).
  const d = await startDaemon({ config: writeConfig(smallVenue({ limits: { throttle_close_s: 2 } })) });
  try {
    const phone = new Phone(d.wsUrl, { localAddress: '127.0.0.5' });
    await phone.hello();
    let sent = 0;
    const t0 = Date.now();
    while (phone.ws.readyState === WebSocket.OPEN && Date.now() - t0 < 10000) {
      for (let k = 0; k < 100; k += 1) phone.sendRaw(Buffer.from('binary!'), true);
      sent += 100;
      await sleep(20);
    }
    const closed = await phone.waitClose(5000);
    assert.equal(closed.code, 1008, `closed with ${closed.code} after ${sent} frames`);
    const errors = phone.messages.filter((m) => m.type === 'error' && m.code === 'binary_frame').length;
    assert.ok(errors <= 5, `${errors} binary_frame errors for ${sent} frames`);
    const other = new Phone(d.wsUrl, { localAddress: '127.0.0.9' });
    assert.ok((await other.hello()).token);
    await other.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('SIGHUP does not end the show; a crash dies instead of spinning', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue()) });
  const phone = new Phone(d.wsUrl);
  await phone.hello();
  d.proc.kill('SIGHUP');
  await sleep(500);
  assert.equal(d.proc.exitCode, null, 'the daemon is still running after SIGHUP');
  assert.equal(phone.closed, null, 'the phone is still connected');
  phone.send({ type: 'ping', t0: 1 });
  await phone.waitForNext((m) => m.type === 'pong', 'a pong after SIGHUP');
  assert.match(d.output(), /SIGHUP: ignored/);
  const exited = new Promise((resolve) => d.proc.once('exit', (code, signal) => resolve({ code, signal })));
  d.proc.kill('SIGSEGV');
  const how = await Promise.race([exited, sleep(5000).then(() => null)]);
  if (!how) d.proc.kill('SIGKILL');
  assert.ok(how, 'the daemon still runs 5 s after a SIGSEGV (spinning)');
  assert.equal(how.signal, 'SIGSEGV');
});

test('after a SIGHUP, SIGTERM still stops the show cleanly and counts who was there', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue()) });
  const phones = [new Phone(d.wsUrl), new Phone(d.wsUrl)];
  for (const p of phones) await p.hello();
  d.proc.kill('SIGHUP');
  await sleep(300);
  assert.equal(await d.stop(), 0);
  for (const p of phones) assert.equal((await p.waitClose()).code, 1001);
  assert.match(d.output(), /2 participants were connected/);
});

test('artist logins never evict the operator', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({ console: hashes })) });
  try {
    const op = await login(d.url, 'operator', PASSWORD, '127.0.0.11');
    assert.equal(op.status, 200);
    const ws = new WebSocket(d.wsUrl, 'tutti.console.v1', { headers: { Cookie: op.cookie } });
    let closedWith = null;
    ws.on('close', (code) => { closedWith = code; });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    // More artist logins than the artist's share of sessions: each takes the oldest artist
    // session's place, never the operator's.
    const artists = [];
    for (let i = 0; i < 12; i += 1) artists.push(await login(d.url, 'artist', ARTIST, `127.0.1.${i + 1}`));
    assert.ok(artists.every((a) => a.status === 200), `${artists.map((a) => a.status)}`);
    const oldest = new WebSocket(d.wsUrl, 'tutti.console.v1', { headers: { Cookie: artists[0].cookie } });
    const refused = await new Promise((resolve) => {
      oldest.once('open', () => resolve(false));
      oldest.once('unexpected-response', () => resolve(true));
      oldest.once('error', () => resolve(true));
    });
    assert.ok(refused, 'the oldest artist session should have made room');
    await sleep(300);
    assert.equal(closedWith, null, 'the operator was logged out by artist logins');
    const again = await login(d.url, 'operator', PASSWORD, '127.0.0.12');
    assert.equal(again.status, 200, 'the operator can still log in');
    ws.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('Connection: close is answered with Connection: close', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue()) });
  try {
    for (const path of ['/healthz', '/metrics', '/', '/app.js']) {
      const raw = await new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: d.port }, () => {
          s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        });
        let data = '';
        const timer = setTimeout(() => { s.destroy(); resolve(data); }, 3000);
        s.on('data', (x) => { data += x; });
        s.on('close', () => { clearTimeout(timer); resolve(data); });
        s.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 200/, path);
      assert.match(raw, /\r\nconnection: close\r\n/i, path);
    }
    // Without it the connection stays open for the next request, and says nothing of closing.
    const kept = await fetch(new URL('healthz', d.url));
    assert.equal(kept.status, 200);
    assert.notEqual(kept.headers.get('connection'), 'close');
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

after(() => {});
