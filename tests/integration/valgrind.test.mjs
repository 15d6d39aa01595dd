// The daemon under Valgrind's memcheck through one show: phones join, move a control and vote,
// the operator logs in and sends commands (GO, a blackout), then a clean stop with SIGTERM.
// Memcheck's verdict is the daemon's exit status: any invalid read or write, use of an
// uninitialised value, or definitely or indirectly lost block makes it exit 99
// (--error-exitcode), and the test fails with memcheck's report. The ordinary build
// (not the sanitizers': the two do not mix). Slow under memcheck: about a minute.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';
import { consoleSection, consoleSession, login } from '../lib/console_socket.mjs';

const VALGRIND = ['valgrind', '--tool=memcheck', '--error-exitcode=99', '--leak-check=full',
  '--errors-for-leak-kinds=definite,indirect', '--show-leak-kinds=definite,indirect',
  '--track-origins=yes', '--child-silent-after-fork=yes'];
const SLOW = 60000;	// memcheck runs the daemon tens of times slower

test('a show under memcheck: phones, a vote, console commands, SIGTERM; no report', { timeout: 240000 }, async () => {
  const config = writeConfig(smallVenue({ console: consoleSection() }));
  // VALGRIND_PRELOAD: tests/integration/valgrind_rdtscp_shim.c, built beside the daemon.
  const env = process.env.VALGRIND_PRELOAD ? { LD_PRELOAD: process.env.VALGRIND_PRELOAD } : {};
  const d = await startDaemon({ config, prefix: VALGRIND, env, timeoutMs: SLOW });
  let code;
  try {
    const phones = [new Phone(d.wsUrl), new Phone(d.wsUrl), new Phone(d.wsUrl)];
    for (const p of phones) await p.hello();
    phones[0].input('slider', { value: 0.7 });
    const seqs = phones.map((p, i) => p.vote('song', i % 3));
    for (const [i, p] of phones.entries())
      await p.waitFor((m) => m.type === 'ack' && m.seq >= seqs[i], 'the vote\'s ack', SLOW);
    const op = await consoleSession(d, await login(d));
    assert.equal((await op.command({ cmd: 'cue.go' }, SLOW)).ok, true);
    assert.equal((await op.command({ cmd: 'safety.blackout', on: true }, SLOW)).ok, true);
    await phones[1].waitForNext((m) => m.type === 'state', 'a state after the commands', SLOW);
    op.ws.close();
    for (const p of phones) await p.close();
  } finally {
    code = await stopSlowly(d);
  }
  assert.equal(code, 0, `memcheck found something (exit ${code}):\n${d.output()}`);
  assert.match(d.output(), /ERROR SUMMARY: 0 errors/, 'memcheck ran and summed up');
});

// SIGTERM, and a minute for the exit (memcheck's leak check included) before SIGKILL.
function stopSlowly(d) {
  return new Promise((resolve) => {
    if (d.proc.exitCode !== null || d.proc.signalCode !== null) return resolve(d.proc.exitCode);
    const killer = setTimeout(() => d.proc.kill('SIGKILL'), SLOW);
    d.proc.once('exit', (c) => { clearTimeout(killer); resolve(c); });
    d.proc.kill('SIGTERM');
  });
}
