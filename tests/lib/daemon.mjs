// Starts a real `tutti run` daemon for integration and browser tests.
//
// The daemon is started on 127.0.0.1 with --port 0 (the OS picks a free port) and
// prints "tutti: listening on http://127.0.0.1:PORT/" once it serves; we wait for that
// line. Nothing is mocked: tests talk to the shipped binary over real sockets.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TUTTI_BIN = process.env.TUTTI_BIN || new URL('../../build/controller/tutti', import.meta.url).pathname;

// Writes @config (an object) to a fresh temp folder; returns its path.
export function writeConfig(config, name = 'venue.json') {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-test-'));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

// A small venue most tests can share: two zones, a tap/xy/slider/shake cue and a poll cue.
export function smallVenue(overrides = {}) {
  return {
    name: 'Test Venue',
    capacity: 50,
    listen: { address: '127.0.0.1', port: 0 },
    zones: [
      { id: 'left', name: 'Left', capacity: 25 },
      { id: 'right', name: 'Right', capacity: 25 },
    ],
    cues: [
      { id: 'play', title: 'Play', scene: 'crowd-field', controls: ['tap', 'xy', 'slider', 'shake', 'vote'],
        poll: { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'] } },
      { id: 'quiet', title: 'Quiet', scene: 'title', controls: [] },
    ],
    ...overrides,
  };
}

// Starts the daemon; resolves to { port, url, wsUrl, proc, output(), stop() }. @prefix runs it
// under another command (e.g. ['prlimit', '--nofile=600']). @port 0: the OS picks a free one; a
// restarted daemon takes its predecessor's, so that phones find it again.
// @edge: `tutti edge` instead of `tutti run` (args then carry --cluster).
export async function startDaemon({ config, args = [], env = {}, timeoutMs = 10000, prefix = [], port: listenPort = 0,
  edge = false } = {}) {
  const argv = edge
    ? [TUTTI_BIN, 'edge', config, '--listen', '127.0.0.1', '--port', String(listenPort), ...args]
    : [TUTTI_BIN, 'run', config, '--listen', '127.0.0.1', '--port', String(listenPort),
      '--headless', '--audio', 'none', ...args];
  const command = [...prefix, ...argv];
  const proc = spawn(command[0], command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d) => { out += d.toString(); };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);

  const url = await new Promise((resolve, reject) => {
    // A daemon that did not start in time is killed: left running, it would hold the test open.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`daemon did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = out.match(/listening on (https?:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited early (code ${code}, signal ${sig}):\n${out}`));
    });
  });
  const port = Number(new URL(url).port);
  const wsUrl = url.replace(/^http/, 'ws');

  return {
    port, url, wsUrl, proc,
    output: () => out,
    // SIGTERM, then wait; resolves to the exit code (a clean shutdown exits 0; null when a
    // signal ended it, SIGKILL from a test say).
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', (code) => { clearTimeout(killer); resolve(code); });
      proc.kill('SIGTERM');
    }),
  };
}
