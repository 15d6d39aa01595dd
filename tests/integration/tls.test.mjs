// TLS test: makes a self-signed certificate with `tutti tls-cert` (the one step the
// operations guide gives), starts the real daemon with "tls" in its venue config, and checks that phones get the app, /healthz and the
// audience WebSocket over HTTPS/WSS (what motion sensors and wake lock require), and
// that the server speaks HTTP/1.1 only.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

let daemon, ca, certDir;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-tls-'));
  certDir = dir;
  const said = execFileSync(TUTTI_BIN, ['tls-cert', dir, '--name', 'localhost', '--name', '127.0.0.1',
    '--days', '2'], { encoding: 'utf8' });
  assert.match(said, /SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  ca = readFileSync(join(dir, 'console.crt'));
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    tls: { cert: join(dir, 'console.crt'), key: join(dir, 'console.key') },
    console: { operator_password_hash: execFileSync(TUTTI_BIN, ['hash-password'], { input: 'stage-door-42\n' }).toString().trim() },
  })) });
});

after(async () => { if (daemon) assert.equal(await daemon.stop(), 0); });

function get(path) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: daemon.port, path, ca, servername: 'localhost' }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

test('the daemon announces an https URL', () => {
  assert.match(daemon.url, /^https:\/\//);
});

test('the phone app and /healthz are served over HTTPS with a verified certificate', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<html/i);
  const health = await get('/healthz');
  assert.equal(JSON.parse(health.body).status, 'ok');
});

test('a phone joins over WSS and receives state', async () => {
  const p = new Phone(`wss://127.0.0.1:${daemon.port}/`, { ca, servername: 'localhost' });
  const w = await p.hello();
  assert.ok(w.token);
  await p.waitFor((m) => m.type === 'state', 'state over wss');
  await p.close();
});

test('ALPN offers HTTP/1.1 only', async () => {
  const proto = await new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: daemon.port, ca, servername: 'localhost',
      ALPNProtocols: ['h2', 'http/1.1'] }, () => { resolve(s.alpnProtocol); s.end(); });
    s.on('error', reject);
  });
  assert.equal(proto, 'http/1.1');
});

test('over TLS the console session cookie is Secure and HttpOnly', async () => {
  const body = JSON.stringify({ role: 'operator', password: 'stage-door-42' });
  const res = await new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: daemon.port, path: '/console/login', method: 'POST', ca,
      servername: 'localhost', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
    (r) => { r.resume(); r.on('end', () => resolve(r)); });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(res.statusCode, 200);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /; Secure/);
  assert.match(cookie, /HttpOnly/);
});

test('tls-cert never overwrites a venue key', () => {
  assert.throws(() => execFileSync(TUTTI_BIN, ['tls-cert', certDir], { stdio: 'pipe' }), /already exists/);
});
