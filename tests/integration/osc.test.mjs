// Integration test: stage gear over OSC with the real daemon and liblo's own tools.
// oscdump (liblo-tools) listens as a lighting desk would: /tutti/energy follows real phones'
// tapping through the cue's mapping, and every cue change is announced on /tutti/cue. oscsend
// plays the artist's controller: /tutti/go from an allowed address moves the show, which the
// phones see.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let daemon;
let dump;
let lines = [];
const phones = [];

// Two free UDP ports on loopback.
async function freePort() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  const deskPort = await freePort();
  const inputPort = await freePort();
  dump = spawn('oscdump', ['-L', String(deskPort)], { stdio: ['ignore', 'pipe', 'ignore'] });
  dump.stdout.on('data', (d) => { lines.push(...d.toString().split('\n').filter(Boolean)); });
  await sleep(300);
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    osc: { targets: [{ id: 'desk', host: '127.0.0.1', port: deskPort }],
      input: { port: inputPort, allow_from: ['127.0.0.1'] } },
    cues: [
      { id: 'play', title: 'Play', scene: 'crowd-field', controls: ['tap'],
        osc: [{ target: 'desk', address: '/tutti/energy', source: 'taps_per_s', from: [0, 20], to: [0, 1] }] },
      { id: 'quiet', title: 'Quiet', scene: 'title', controls: [] },
    ],
  })) });
  daemon.inputPort = inputPort;
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  if (daemon) await daemon.stop();
  dump?.kill();
});

const energies = () => lines.filter((l) => l.includes('/tutti/energy f'))
  .map((l) => Number(l.trim().split(/\s+/).at(-1)));

test('the desk receives the crowd\'s energy through the mapping, at the cue\'s rate', async () => {
  await sleep(1000);
  const quiet = energies();
  assert.ok(quiet.length >= 15, `about 20 a second, got ${quiet.length}`);
  assert.ok(quiet.every((v) => v === 0), 'nobody taps: 0');
  assert.ok(lines.some((l) => /\/tutti\/cue is 0 "play"/.test(l)), 'the first cue was announced');
  for (let i = 0; i < 3; i += 1) {
    const p = new Phone(daemon.wsUrl);
    phones.push(p);
    await p.hello();
  }
  const before = lines.length;
  // Three phones tap about five times a second each for two seconds: ~15 taps/s of 20.
  for (let t = 0; t < 10; t += 1) {
    for (const p of phones) p.input('tap');
    await sleep(200);
  }
  const during = lines.slice(before).filter((l) => l.includes('/tutti/energy f'))
    .map((l) => Number(l.trim().split(/\s+/).at(-1)));
  const peak = Math.max(...during);
  assert.ok(peak > 0.4 && peak <= 1, `energy followed the taps up to ${peak}`);
});

test('the artist\'s controller moves the show from an allowed address', async () => {
  const phone = phones[0];
  execFileSync('oscsend', ['127.0.0.1', String(daemon.inputPort), '/tutti/go']);
  await phone.waitFor((m) => m.type === 'state' && m.cue?.id === 'quiet', 'the phone on the next cue');
  for (let i = 0; i < 20 && !lines.some((l) => /\/tutti\/cue is 1 "quiet"/.test(l)); i += 1) await sleep(100);
  assert.ok(lines.some((l) => /\/tutti\/cue is 1 "quiet"/.test(l)), 'the desk heard the cue change');
  const n = energies().length;
  await sleep(500);
  assert.equal(energies().length, n, 'the quiet cue sends no energy');
  assert.match(daemon.output(), /console: artist osc 127\.0\.0\.1 cue\.go/);
});
