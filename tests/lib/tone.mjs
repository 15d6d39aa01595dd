// A test tone for the loudness tests: a 997 Hz sine (the loudness standards' test frequency) at a
// known level in both channels, as a 32-bit float stereo WAV of one second at 48 kHz: 997 whole
// cycles, so the engine's loop of it is seamless. ITU-R BS.1770 reads a sine of peak A in both
// channels as 20 log10(A) LUFS, so the tone's level in dBFS is its loudness in LUFS.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TONE_RATE = 48000;

// Writes the tone at @dbfs to a fresh temp folder; returns its path.
export function writeToneWav(dbfs) {
  const path = join(mkdtempSync(join(tmpdir(), 'tutti-tone-')), 'tone.wav');
  const frames = TONE_RATE, amplitude = 10 ** (dbfs / 20);
  const data = Buffer.alloc(frames * 8);
  for (let i = 0; i < frames; i++) {
    const v = amplitude * Math.sin((2 * Math.PI * 997 * i) / TONE_RATE);
    data.writeFloatLE(v, i * 8);
    data.writeFloatLE(v, i * 8 + 4);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(3, 20);	// IEEE float
  header.writeUInt16LE(2, 22); header.writeUInt32LE(TONE_RATE, 24); header.writeUInt32LE(TONE_RATE * 8, 28);
  header.writeUInt16LE(8, 32); header.writeUInt16LE(32, 34);
  header.write('data', 36); header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}

// A venue cue that plays @tone (a path) from the start, with the shortest fade in the config allows.
export const toneCue = (tone) => ({ id: 'tone', title: 'Tone', scene: 'title', controls: [],
  audio: { crossfade_s: 0.05, stems: [{ id: 'tone', file: tone }] } });
