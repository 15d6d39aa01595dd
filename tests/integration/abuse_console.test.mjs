// Abuse test, the console's part: the real daemon's console login and socket, attacked over
// loopback the way a laptop in the crowd could attack them (docs/security.md). Each test is one
// attack that once locked the operator out, and asserts that the operator carries on.
// Attackers use source addresses 127.0.0.5-.8; honest clients use others.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import WebSocket from 'ws';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';

const PASSWORD = 'front-of-house';
const ARTIST = 'on-the-stage';
const hash = (p) => execFileSync(TUTTI_BIN, ['hash-password'], { input: `${p}\n` }).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let hashes;

before(() => { hashes = { operator_password_hash: hash(PASSWORD), artist_password_hash: hash(ARTIST) }; });

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
