// Kill test: the real daemon with --journal, 1,000 phones from the C load generator (tapping,
// voting once in every poll they see open, reconnecting with their tokens and re-sending a vote
// they never saw acknowledged) and an operator console sending cue GOs at random moments. Twenty
// times the daemon is killed with SIGKILL at a random moment and started again on the same
// journal. The journal as the kill left it holds every vote a phone saw acknowledged, with its
// choice, and every participant a phone was welcomed as, and passes PRAGMA integrity_check. After
// each restart: the cue is the one the acknowledged GOs led to, every phone resumes as the
// participant it was, the tallies equal the journal's counts, and no participant has two votes
// in one poll, re-sent votes included.
//
// The schedule comes from one seed, printed first; TUTTI_KILL_SEED=N replays it (the kills fall at
// the same moments of the show, though what is in flight then depends on the machine).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../lib/daemon.mjs';
import { consoleSection, consoleSession, login } from '../lib/console_socket.mjs';
import { Ledger, doubleVotes, journalTallies, sql, startLoadgen, waitFor } from '../lib/loadgen.mjs';

const ROUNDS = 20;
const PHONES = 1000;
const JOIN_OVER_S = 20;		// joins go on through the first rounds, so kills fall among them
const TAPS_PER_S = 2;
const CUES = 30;		// more than the GOs of twenty rounds (0 to 2 each)
const RUN_S = [1, 3];		// how long the show runs before each kill
const BACK_WITHIN_MS = 15000;	// every phone resumes within this after a restart
const SETTLE_MS = 6000;		// the tallies match the journal within this once the phones are back

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// mulberry32: the schedule's randomness, from one printed seed.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Cues c0..c29, each with taps and its own open poll of three options (poll index = cue index).
function killVenue() {
  const cues = [];
  for (let i = 0; i < CUES; i += 1) {
    cues.push({ id: `c${i}`, title: `Cue ${i}`, scene: 'poll', controls: ['tap', 'vote'],
      poll: { id: `p${i}`, question: `Poll ${i}?`, options: ['Red', 'Green', 'Blue'] } });
  }
  return { name: 'Kill Hall', capacity: PHONES * 2, limits: { max_connections_per_address: 100 },
    zones: [{ id: 'floor', name: 'Floor', capacity: PHONES * 2 }], cues, console: consoleSection() };
}

// The operator: logs in to each new daemon, sends GOs, and counts those whose reply said ok: the
// cue they lead to is where the show must be.
class Operator {
  constructor() { Object.assign(this, { acked: 0, refused: 0, cue: 0, inFlight: false, session: null }); }

  async attach(d) {
    this.session = await consoleSession(d, await login(d));
    this.inFlight = false;
  }

  async go() {
    this.inFlight = true;
    const reply = await this.session.command({ cmd: 'cue.go' }, 10000).catch(() => null);
    if (!reply) return;		// killed before it answered: the GO may or may not have happened
    this.inFlight = false;
    if (reply.ok) {
      this.acked += 1;
      this.cue += 1;
    } else {
      this.refused += 1;	// last_cue: the show is at its end
    }
  }

  live() { return this.session.next((m) => m.type === 'live'); }

  close() { this.session?.ws.terminate(); }
}

// The GOs of one round, at random moments within @runMs, one after another; stops at the kill.
async function operate(op, rnd, runMs, killed) {
  const moments = Array.from({ length: Math.floor(rnd() * 3) }, () => rnd() * runMs).sort((a, b) => a - b);
  const start = Date.now();
  for (const at of moments) {
    await sleep(Math.max(0, start + at - Date.now()));
    if (killed()) return;
    await op.go();
  }
}

// A free port below the kernel's ephemeral range (32768 and up here): a port the OS picked for
// the first daemon could be taken, between a kill and the restart, as the source port of any
// connection on the machine.
async function showPort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const server = createServer();
    const free = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

// The daemon on @port; a few tries when something else holds the port for a moment.
async function startOn(options, port) {
  for (let tries = 1; ; tries += 1) {
    try {
      return await startDaemon({ ...options, port });
    } catch (e) {
      if (tries === 5 || !/port in use/.test(e.message)) throw e;
      await sleep(200);
    }
  }
}

function startCrowd(port, ledger, seed) {
  const args = ['--port', String(port), '--phones', String(PHONES), '--join-over', String(JOIN_OVER_S),
    '--active', String(PHONES), '--rate', String(TAPS_PER_S), '--inputs-at-join', '--vote-polls', '--reconnect',
    '--ledger', ledger, '--duration', '600', '--timeout', '400', '--seed', String(seed), '--label', 'kill',
    '--fail-on-errors'];
  return startLoadgen(args);
}

// The journal as the kill left it, read from a copy so that the daemon still recovers the file
// itself: every vote and every participant the phones were told of is in it, and it is sound.
function checkKilledJournal(journal, scratch, atKill) {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch);
  for (const end of ['', '-wal']) {
    if (existsSync(journal + end)) copyFileSync(journal + end, join(scratch, `show.db${end}`));
  }
  const copy = join(scratch, 'show.db');
  // Every vote acknowledged before the kill, with its choice and its seq.
  const rows = new Map(sql(copy, 'SELECT participant, poll, choice, input_seq FROM vote')
    .map((r) => [`${r.participant} p${r.poll}`, r]));
  const lost = atKill.votes.filter((v) => {
    const r = rows.get(`${v.id} ${v.poll}`);
    return !r || r.choice !== v.choice || r.input_seq !== v.seq;
  });
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged votes are not in the journal as acked`);
  // Every participant a phone was welcomed as.
  const known = new Set(sql(copy, 'SELECT id FROM participant').map((r) => r.id));
  const missing = [...atKill.ids].filter((id) => !known.has(id));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} welcomed participants are not in the journal`);
  assert.equal(sql(copy, 'PRAGMA integrity_check')[0].integrity_check, 'ok', 'the journal as the kill left it');
  return { participants: known.size };
}

// What the restarted daemon must show, from what the ledger held at the kill (@atKill) and the
// operator's acknowledged GOs. Throws on the first broken promise; returns the round's figures.
async function checkRestarted({ d, op, ledger, atKill, journal, expectedCue, goCutOff, cueIds }) {
  const health = await fetch(`${d.url}healthz`).then((r) => r.json());
  assert.equal(health.status, 'ok');
  let cue = expectedCue;
  // A GO the kill cut off may have happened or not; any GO the console saw acknowledged did.
  if (goCutOff && health.cue === cueIds[cue + 1]) cue += 1;
  assert.equal(health.cue, cueIds[cue], `the cue after ${op.acked} acknowledged GOs`);

  // Every phone welcomed before the kill comes back, as the participant it was.
  await waitFor('every phone welcomed before the kill to come back', BACK_WITHIN_MS, () => {
    ledger.read();
    return [...atKill.welcomes].every(([phone, n]) => ledger.phones.get(phone).welcomes > n);
  });
  const backAt = Date.now();
  assert.deepEqual(ledger.resumeFailures, [], 'phones that held a token came back as someone new');
  await waitFor(`the phones to see cue ${cue}`, 5000, () => ledger.read().cue === cue);

  // The daemon's tallies of the poll on show equal the journal's count (votes still arriving: wait).
  let last;
  await waitFor('the tallies to equal the journal', SETTLE_MS, async () => {
    const live = await op.live();
    if (!live.poll) return false;
    last = { poll: live.poll.id, daemon: live.poll.tallies, journal: journalTallies(journal, Number(live.poll.id.slice(1))) };
    return JSON.stringify(last.daemon) === JSON.stringify(last.journal);
  }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));

  // No participant voted twice in a poll: one vote event each, the votes re-sent after the restart included.
  const doubles = doubleVotes(journal);
  assert.deepEqual(doubles.slice(0, 5), [], `${doubles.length} participants have two votes in one poll`);
  assert.equal(sql(journal, 'PRAGMA integrity_check')[0].integrity_check, 'ok', 'the journal in use');
  return { cue, backAt, tallies: last };
}

test('a journalled show killed twenty times keeps everything it acknowledged', { timeout: 280000 }, async () => {
  const seed = Number(process.env.TUTTI_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`kill test: seed ${seed} (TUTTI_KILL_SEED=${seed} replays this schedule)`);
  const rnd = seeded(seed);
  const dir = mkdtempSync(join(tmpdir(), 'tutti-kill-'));
  const config = join(dir, 'venue.json');
  const venue = killVenue();
  const cueIds = venue.cues.map((c) => c.id);
  writeFileSync(config, JSON.stringify(venue));
  const journal = join(dir, 'show.db');
  const ledger = new Ledger(join(dir, 'ledger.txt'));
  const op = new Operator();
  const port = await showPort();
  const start = () => startOn({ config, args: ['--journal', journal] }, port);
  let d = null;
  let lg = null;
  const totals = { kills: 0, listeningMs: 0, backMs: 0, goesCutOff: 0, goesCutOffDone: 0, votesChecked: 0 };
  try {
    d = await start();
    writeFileSync(ledger.path, '');
    lg = startCrowd(port, ledger.path, seed);
    await op.attach(d);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const runMs = (RUN_S[0] + rnd() * (RUN_S[1] - RUN_S[0])) * 1000;
      let killed = false;
      const operating = operate(op, rnd, runMs, () => killed);
      await sleep(runMs);
      d.proc.kill('SIGKILL');
      await new Promise((r) => (d.proc.exitCode !== null || d.proc.signalCode ? r() : d.proc.once('exit', r)));
      killed = true;
      totals.kills += 1;
      await operating;
      assert.equal(lg.proc.exitCode, null, `the load generator stopped:\n${lg.output()}`);
      // What the phones and the console were told before the kill: nothing can be added now.
      ledger.read();
      const atKill = { votes: [...ledger.votes], welcomes: ledger.welcomeCounts(),
        ids: new Set([...ledger.phones.values()].flatMap((p) => [...p.ids])) };
      const expectedCue = op.cue;
      const goCutOff = op.inFlight;
      const { participants } = checkKilledJournal(journal, join(dir, 'as-killed'), atKill);
      const restarted = Date.now();
      d = await start();
      const listeningMs = Date.now() - restarted;
      await op.attach(d);
      const r = await checkRestarted({ d, op, ledger, atKill, journal, expectedCue, goCutOff, cueIds });
      totals.goesCutOff += goCutOff ? 1 : 0;
      if (r.cue !== expectedCue) {	// the GO cut off by the kill did happen: the show goes on from there
        op.cue = r.cue;
        totals.goesCutOffDone += 1;
      }
      totals.votesChecked = atKill.votes.length;
      totals.listeningMs = Math.max(totals.listeningMs, listeningMs);
      totals.backMs = Math.max(totals.backMs, r.backAt - restarted);
      console.log(`round ${round}: killed at ${(runMs / 1000).toFixed(2)} s${goCutOff ? ' (a GO in flight)' : ''}; `
        + `acked votes ${atKill.votes.length}, participants ${participants}, cue ${cueIds[r.cue]} `
        + `(${op.acked} GOs acked), poll ${r.tallies.poll} ${JSON.stringify(r.tallies.daemon)}; `
        + `listening in ${listeningMs} ms, every phone back in ${r.backAt - restarted} ms`);
    }
    lg.proc.kill('SIGTERM');
    const { code } = await lg.exited;
    const out = lg.output();
    console.log(out.trim());
    assert.equal(code, 0, 'the load generator saw failed resumes or protocol errors');
    ledger.read();
    console.log(`totals: ${totals.kills} kills and restarts; ${totals.votesChecked} acknowledged votes, 0 lost; `
      + `0 double votes; ${ledger.phones.size} phones, ${ledger.resumeFailures.length} resume failures; `
      + `${op.acked} GOs acked, ${totals.goesCutOff} cut off by a kill (${totals.goesCutOffDone} of them done); `
      + `slowest restart: listening in ${totals.listeningMs} ms, every phone back in ${totals.backMs} ms`);
  } finally {
    op.close();
    lg?.proc.kill('SIGKILL');
    if (d) await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
