// Integration test: starts the real `tutti run` daemon with `--audio none` (the paced null
// device runs the engine in real time) on a venue whose one cue plays a generated 997 Hz sine
// at -20 dBFS in both channels, and reads the stage output's loudness where an operator would.
// Proves: /metrics carries the loudness gauges and they read the tone's known level, -20 LUFS
// (ITU-R BS.1770: a sine of peak A in both channels reads 20 log10(A)), within 0.5 LU, true
// peak within 0.5 dB; the console's live view carries the same reading, in LUFS and dBTP.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { httpGet, metric } from '../lib/client.mjs';
import { consoleSocket, hashPassword } from '../lib/console.mjs';
import { TONE_RATE as RATE, toneCue, writeToneWav } from '../lib/tone.mjs';

const LEVEL_DBFS = -20;
const PASSWORD = 'front of house';
let daemon;

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hashPassword(PASSWORD) },
    cues: [toneCue(writeToneWav(LEVEL_DBFS))],
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
