// Journal test: the real daemon with --journal, killed with SIGKILL mid-show and started again
// on the same file. Phones that voted (and were acknowledged) resume as the same participants
// with their votes; a vote re-sent after the restart is acknowledged but never counted twice;
// the cue, the poll and the venue's safety state come back; a journal of another venue config
// is refused with what to do, and --journal-fresh starts a new show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';
import { consoleSection, consoleSession, login } from '../lib/console_socket.mjs';

test('a show killed with SIGKILL comes back from its journal with nothing acknowledged lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-journal-'));
  const config = writeConfig(smallVenue({ console: consoleSection() }));
  const journal = join(dir, 'show.db');
  let d = await startDaemon({ config, args: ['--journal', journal] });
  const phones = [new Phone(d.wsUrl), new Phone(d.wsUrl), new Phone(d.wsUrl)];
  const welcomes = [];
  for (const p of phones) welcomes.push(await p.hello());
  const op = await consoleSession(d, await login(d));
  assert.equal((await op.command({ cmd: 'safety.blackout', on: true })).ok, true);
  assert.equal((await op.command({ cmd: 'safety.ceiling', dbfs: -6 })).ok, true);
  const choices = [2, 2, 0];
  const seqs = [];
  for (let i = 0; i < 3; i += 1) {
    seqs.push(phones[i].vote('song', choices[i]));
    await phones[i].waitFor((m) => m.type === 'ack' && m.seq >= seqs[i], 'the vote\'s ack');
  }
  // The last thing before the kill is a console reply: a reply, like an ack, means it is on disk.
  assert.equal((await op.command({ cmd: 'safety.flash_policy', max_per_s: 1 })).ok, true);
  d.proc.kill('SIGKILL');
  await new Promise((r) => d.proc.once('exit', r));
  for (const p of phones) p.ws.terminate();

  d = await startDaemon({ config, args: ['--journal', journal] });
  try {
    assert.match(d.output(), /journal: resumed the show/);
    const again = [];
    for (let i = 0; i < 3; i += 1) {
      const p = new Phone(d.wsUrl);
      const w = await p.hello({ token: welcomes[i].token });
      assert.equal(w.resumed, true, 'the phone resumes');
      assert.equal(w.id, welcomes[i].id, 'as the same participant');
      assert.equal(w.last_seq, seqs[i]);
      again.push(p);
    }
    // The first phone never saw its ack after all (say) and sends the vote again with the same seq.
    again[0].send({ type: 'vote', seq: seqs[0], poll: 'song', choice: 1 });
    await again[0].waitFor((m) => m.type === 'ack' && m.seq >= seqs[0], 'an ack for the re-sent vote');
    const state = await again[1].waitForNext((m) => m.type === 'state' && m.poll, 'a state with the poll');
    assert.deepEqual(state.poll.tallies, [1, 0, 2], 'the tallies as acknowledged, nothing counted twice');
    const op2 = await consoleSession(d, await login(d));
    const live = await op2.next((m) => m.type === 'live');
    assert.equal(live.safety.blackout, true);
    assert.equal(live.safety.ceiling_dbfs, -6);
    assert.equal(live.safety.max_flashes_per_s, 1, 'the command replied to just before the kill');
    assert.equal(live.cue.id, 'play');
    op2.ws.close();
    for (const p of again) await p.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
  // Another venue config: refused, with what to do; --journal-fresh starts a new show in the file.
  const other = writeConfig(smallVenue({ name: 'Another Venue' }));
  const refused = spawnSync(TUTTI_BIN, ['run', other, '--journal', journal, '--headless', '--audio', 'none',
    '--port', '0'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /another venue config.*--journal-fresh/s);
  d = await startDaemon({ config: other, args: ['--journal', journal, '--journal-fresh'] });
  assert.match(d.output(), /journal: a new show/);
  assert.equal(await d.stop(), 0);
});

test('a phone that asked to be forgotten is gone from the journal, and stays gone after a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-journal-'));
  const config = writeConfig(smallVenue());
  const journal = join(dir, 'show.db');
  const sql = (q) => execFileSync('sqlite3', [journal, q], { encoding: 'utf8' }).trim();
  let d = await startDaemon({ config, args: ['--journal', journal] });
  const leaving = new Phone(d.wsUrl);
  const staying = new Phone(d.wsUrl);
  const gone = await leaving.hello();
  await staying.hello();
  for (const p of [leaving, staying]) {
    const seq = p.vote('song', 1);
    await p.waitFor((m) => m.type === 'ack' && m.seq >= seq, 'the vote\'s ack');
  }
  leaving.send({ type: 'forget' });
  await leaving.waitFor((m) => m.type === 'forgotten', 'forgotten');
  const closed = await leaving.waitClose();
  assert.equal(closed.code, 4004);
  // "forgotten" means it is on disk: kill the daemon at once.
  d.proc.kill('SIGKILL');
  await new Promise((r) => d.proc.once('exit', r));
  staying.ws.terminate();
  assert.equal(sql(`SELECT count(*) FROM event WHERE participant = '${gone.id}'`), '0');
  assert.equal(sql(`SELECT count(*) FROM participant WHERE id = '${gone.id}' OR token = '${gone.token}'`), '0');
  assert.equal(sql(`SELECT count(*) FROM vote WHERE participant = '${gone.id}'`), '0');
  assert.equal(sql('SELECT count FROM anonymous_vote WHERE poll = 0 AND choice = 1'), '1');

  d = await startDaemon({ config, args: ['--journal', journal] });
  try {
    const back = new Phone(d.wsUrl);
    const w = await back.hello({ token: gone.token });
    assert.equal(w.resumed, false, 'its token resumes nobody');
    assert.notEqual(w.id, gone.id);
    assert.deepEqual(w.votes, {});
    const state = await back.waitForNext((m) => m.type === 'state' && m.poll, 'a state with the poll');
    assert.deepEqual(state.poll.tallies, [0, 2, 0], 'its vote still counts, as nobody\'s');
    await back.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('a damaged journal is set aside and the show starts anyway, with an alarm', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-journal-'));
  const journal = join(dir, 'show.db');
  writeFileSync(journal, Buffer.alloc(65536, 0x5a));	// a disk that failed: not a database at all
  const d = await startDaemon({ config: writeConfig(smallVenue()), args: ['--journal', journal] });
  try {
    const health = await (await fetch(`${d.url}healthz`)).json();
    assert.equal(health.journal.degraded, false, 'the new journal writes');
    assert.match(health.journal.set_aside, /damaged .*kept as show\.db\.damaged-\d+/);
    const kept = readdirSync(dir).filter((f) => f.startsWith('show.db.damaged-'));
    assert.equal(kept.length, 1, 'the damaged file is kept, whole');
    assert.equal(readFileSync(join(dir, kept[0])).length, 65536);
    // The alarms are raised by the tick, four times a second: within a few of them (a sanitized
    // daemon is slower), not necessarily before /healthz answered.
    for (let i = 0; i < 50 && !/alarm: journal_degraded/.test(d.output()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(d.output(), /alarm: journal_degraded: journal damaged/);
    // The show runs and is journaled from now on.
    const phone = new Phone(d.wsUrl);
    const w = await phone.hello();
    const seq = phone.vote('song', 1);
    await phone.waitFor((m) => m.type === 'ack' && m.seq >= seq, 'the vote\'s ack');
    assert.equal(execFileSync('sqlite3', [journal, `SELECT choice FROM vote WHERE participant = '${w.id}'`],
      { encoding: 'utf8' }).trim(), '1');
    await phone.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('a full disk raises journal_degraded and the show goes on; no phone address or user agent is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-journal-'));
  const config = writeConfig(smallVenue({ console: consoleSection() }));
  const journal = join(dir, 'show.db');
  // The "disk" holds 192 KiB: the journal fills it with taps within seconds.
  const d = await startDaemon({ config, args: ['--journal', journal], prefix: ['prlimit', '--fsize=196608'] });
  try {
    const ua = 'TuttiTestPhone/9.9 (privacy probe)';
    const phones = [];
    for (let i = 0; i < 4; i += 1) {
      const p = new Phone(d.wsUrl, { localAddress: '127.0.0.77', headers: { 'User-Agent': ua } });
      await p.hello();
      phones.push(p);
    }
    const op = await consoleSession(d, await login(d));
    let degraded = null;
    for (let round = 0; round < 150 && !degraded; round += 1) {
      for (const p of phones) for (let k = 0; k < 5; k += 1) p.input('slider', { value: (k + round) % 10 / 10 });
      await new Promise((r) => setTimeout(r, 100));
      degraded = (await fetch(`${d.url}healthz`).then((r) => r.json())).journal?.degraded ? true : null;
    }
    assert.ok(degraded, 'the journal never reported itself degraded');
    const live = await op.next((m) => m.type === 'live' && m.alarms.some((a) => a.id === 'journal_degraded'));
    assert.match(live.alarms.find((a) => a.id === 'journal_degraded').message, /the show goes on/);
    // The show goes on: phones are still answered.
    phones[0].send({ type: 'ping', t0: 1 });
    await phones[0].waitForNext((m) => m.type === 'pong', 'a pong while the journal is degraded');
    assert.equal(d.proc.exitCode, null);
    op.ws.close();
    for (const p of phones) await p.close();
  } finally {
    assert.equal(await d.stop(), 0);
  }
  // Privacy: neither the phones' address nor their user agent is anywhere in the journal files or the log.
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f)).toString('latin1');
    assert.ok(!bytes.includes('127.0.0.77'), `${f} holds a phone's address`);
    assert.ok(!bytes.includes('TuttiTestPhone'), `${f} holds a phone's user agent`);
  }
  assert.ok(!d.output().includes('127.0.0.77'), 'the log holds a phone\'s address');
  assert.ok(!d.output().includes('TuttiTestPhone'), 'the log holds a phone\'s user agent');
});
