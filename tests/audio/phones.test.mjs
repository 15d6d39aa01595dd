// End to end, through a real audio device: phones move a slider, and the
// sound the daemon sends to the PA changes as the venue config says.
//
// A JACK server with its dummy driver (paced like a sound card, unique name)
// is the device; the real `tutti run` plays a cue's stem through PortAudio,
// real WebSocket phones set the slider, and jack_rec records the daemon's
// output ports. The config maps slider_mean to the stem's gain over
// -30..0 dB, so the recorded level must rise by 30 dB, and no sample may
// pass the venue's ceiling.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, writeConfig } from '../lib/daemon.mjs';
import { Phone, httpGet, metric } from '../lib/client.mjs';

const SOURCE_DIR = process.env.TUTTI_SOURCE_DIR || new URL('../..', import.meta.url).pathname;
const server = `tutti-phones-${process.pid}`;
const env = { ...process.env, JACK_DEFAULT_SERVER: server };
const work = mkdtempSync(join(tmpdir(), 'tutti-phones-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let jackd, daemon;
const phones = [];

before(async () => {
  jackd = spawn('jackd', ['-n', server, '-R', '-d', 'dummy', '-r', '48000', '-p', '128'],
    { env, stdio: 'ignore' });
  execFileSync('jack_wait', ['-w', '-t', '10'], { env, stdio: 'ignore' });
  // Loading the stem and opening JACK take longer than a bare daemon's start (seconds under the sanitizers).
  daemon = await startDaemon({
    env,
    timeoutMs: 30000,
    args: ['--audio', 'system'],
    config: writeConfig({
      name: 'Phones and sound', capacity: 50,
      listen: { address: '127.0.0.1', port: 0 },
      limits: { max_connections_per_address: 20 },
      audio: { host_api: 'JACK', device: 'system', frames_per_buffer: 128 },
      safety: { ceiling_dbfs: -3, max_gain_rate_db_s: 60 },
      cues: [{
        id: 'play', scene: 'crowd-field', controls: ['slider'],
        audio: {
          stems: [{ id: 'pad', file: `${SOURCE_DIR}/assets/stems/pad.flac` }],
          mappings: [{ source: 'slider_mean', target: 'stem_gain:pad', to: [-30, 0], smoothing_s: 0.05 }],
        },
      }],
    }),
  });
  // The daemon serves on the null device while the audio host opens JACK; record once it plays
  // (the sanitized build's host can take past the first attempt's 10 s and open on its retry).
  for (let t = 0; t < 60; t++) {
    const m = await httpGet(`${daemon.url}metrics`);
    if (metric(m.body, 'tutti_audio_device_lost') === 0) break;
    await sleep(500);
  }
  for (let i = 0; i < 3; i++) {
    const p = new Phone(daemon.wsUrl);
    phones.push(p);
    await p.hello();
  }
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  if (daemon) await daemon.stop();
  if (jackd) { jackd.kill('SIGTERM'); await new Promise((r) => jackd.once('exit', r)); }
  rmSync(work, { recursive: true, force: true });
  for (const f of readdirSync('/dev/shm').filter((n) => n.includes(server)))
    rmSync(join('/dev/shm', f), { force: true });
});

// Records @seconds of the daemon's output ports; returns sox's RMS and peak levels in dBFS.
function levels(name, seconds) {
  const file = join(work, `${name}.wav`);
  execFileSync('jack_rec', ['-f', file, '-d', String(seconds), '-b', '24',
    'PortAudio:out_0', 'PortAudio:out_1'], { env, stdio: 'ignore', timeout: (seconds + 10) * 1000 });
  // sox prints its stats on stderr.
  const text = execFileSync('sh', ['-c', `sox "${file}" -n stats 2>&1`]).toString();
  const row = (label) => Number(text.split('\n').find((l) => l.startsWith(label)).trim().split(/\s+/).at(-3));
  return { rms: row('RMS lev dB'), peak: row('Pk lev dB') };
}

async function slider(value) {
  for (const p of phones) p.input('slider', { value });
  await sleep(1500);	// 30 dB at 60 dB/s, plus smoothing and a tick or two
}

test('phones on the slider change the level the PA receives by the mapped 30 dB', async () => {
  await slider(0);
  const low = levels('low', 2);
  await slider(1);
  const high = levels('high', 2);
  const m = await httpGet(`${daemon.url}metrics`);
  assert.equal(metric(m.body, 'tutti_audio_device_lost'), 0, 'the JACK device plays');
  const rise = high.rms - low.rms;
  console.log(`slider 0: ${low.rms} dBFS RMS; slider 1: ${high.rms} dBFS RMS; rise ${rise.toFixed(2)} dB`);
  assert.ok(Number.isFinite(low.rms) && Number.isFinite(high.rms), 'both recordings have sound');
  assert.ok(Math.abs(rise - 30) < 1.5, `the level rose by ${rise.toFixed(2)} dB, not 30`);
  assert.ok(high.peak <= -3 + 0.05, `peak ${high.peak} dBFS is past the -3 dBFS ceiling`);
});
