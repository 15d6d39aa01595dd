// Integration test: starts the real `tutti run` daemon with `--audio none` (the paced null
// device runs the engine in real time) on a venue whose one cue plays a generated 997 Hz sine
// at -20 dBFS in both channels, and reads the stage output's loudness where an operator would.
// Proves: /metrics carries the loudness gauges and they read the tone's known level, -20 LUFS
// (ITU-R BS.1770: a sine of peak A in both channels reads 20 log10(A)), within 0.5 LU, true
// peak within 0.5 dB; the console's live view carries the same reading, in LUFS and dBTP.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { httpGet, metric } from '../lib/client.mjs';
import { consoleSocket } from '../lib/console.mjs';

const RATE = 48000;
const LEVEL_DBFS = -20;
const PASSWORD = 'front of house';
let daemon;

// One second of a 997 Hz sine, 32-bit float stereo WAV: 997 whole cycles, so the loop is seamless.
function toneWav(path) {
  const frames = RATE, amplitude = 10 ** (LEVEL_DBFS / 20);
  const data = Buffer.alloc(frames * 8);
  for (let i = 0; i < frames; i++) {
    const v = amplitude * Math.sin((2 * Math.PI * 997 * i) / RATE);
    data.writeFloatLE(v, i * 8);
    data.writeFloatLE(v, i * 8 + 4);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(3, 20);	// IEEE float
  header.writeUInt16LE(2, 22); header.writeUInt32LE(RATE, 24); header.writeUInt32LE(RATE * 8, 28);
  header.writeUInt16LE(8, 32); header.writeUInt16LE(32, 34);
  header.write('data', 36); header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

before(async () => {
  const tone = join(mkdtempSync(join(tmpdir(), 'tutti-tone-')), 'tone.wav');
  toneWav(tone);
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: execFileSync(TUTTI_BIN, ['hash-password'], { input: `${PASSWORD}\n` })
      .toString().trim() },
    // The shortest fade in: the integrated loudness is the tone's from the start.
    cues: [{ id: 'tone', title: 'Tone', scene: 'title', controls: [],
      audio: { crossfade_s: 0.05, stems: [{ id: 'tone', file: tone }] } }],
  })) });
});

after(async () => {
  if (daemon) await daemon.stop();
});

// Polls /metrics until @ready holds for its text (the short-term window is 3 s of audio).
async function metricsWhen(ready, what, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = (await httpGet(`${daemon.url}metrics`)).body;
    if (ready(body)) return body;
    if (Date.now() > until) throw new Error(`/metrics: no ${what} in ${timeoutMs} ms:\n${body}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('/metrics reads the -20 dBFS tone as -20 LUFS, true peak -20 dBTP', async () => {
  // 3.5 s of tone measured: the short-term window is full of it.
  const body = await metricsWhen((b) => metric(b, 'tutti_audio_frames_total') > 3.5 * RATE &&
    Number.isFinite(metric(b, 'tutti_audio_loudness_shortterm_lufs')), 'short-term loudness');
  for (const name of ['tutti_audio_loudness_momentary_lufs', 'tutti_audio_loudness_shortterm_lufs',
    'tutti_audio_loudness_integrated_lufs']) {
    const v = metric(body, name);
    assert.ok(Math.abs(v - LEVEL_DBFS) <= 0.5, `${name} ${v}, expected ${LEVEL_DBFS} ± 0.5`);
  }
  const peak = metric(body, 'tutti_audio_true_peak_dbtp');
  assert.ok(Math.abs(peak - LEVEL_DBFS) <= 0.5, `true peak ${peak} dBTP`);
  assert.ok(metric(body, 'tutti_audio_loudness_range_lu') >= 0);
  assert.equal(metric(body, 'tutti_audio_loudness_dropped_frames_total'), 0);
  assert.match(body, /# TYPE tutti_audio_loudness_integrated_lufs gauge/);
});

test('the console live view carries the loudness in LUFS and dBTP', async () => {
  const c = await consoleSocket(daemon, PASSWORD);
  try {
    const live = await c.live((m) => m.audio?.loudness?.shortterm_lufs !== null, 'a loudness reading');
    const l = live.audio.loudness;
    for (const key of ['momentary_lufs', 'shortterm_lufs', 'integrated_lufs', 'true_peak_dbtp']) {
      assert.ok(Math.abs(l[key] - LEVEL_DBFS) <= 0.5, `${key} ${l[key]}`);
    }
    assert.equal(typeof l.lra_lu, 'number');
  } finally {
    c.close();
  }
});
