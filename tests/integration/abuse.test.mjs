// Abuse test: the real daemon, attacked over loopback the way a laptop in the crowd could attack
// it on the venue Wi-Fi (docs/security.md). Each test is one attack that once took the show
// down or locked someone out, and asserts that the show and the other phones carry on.
// Attackers use source addresses 127.0.0.5-.8; honest clients use others.
// The console's own attacks (logins) are in abuse_console.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
