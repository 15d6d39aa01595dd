// Wi-Fi drop: the real daemon with --journal and 1,000 phones from the C load generator (tapping,
// voting once in every poll they see open, with the phone app's silence watchdog and reconnecting
// with their tokens), all inside a network namespace of their own that tests/integration/
// wifi_drop.sh creates. Once every phone has joined and voted, the operator opens a second poll
// and, as the first of its votes is acknowledged, the namespace's network goes silent for 10 s: a qdisc on
// its loopback drops every packet, both ways, as a venue's Wi-Fi that drops does (no reset, no
// close: the sockets just hear nothing). Then the network comes back. It proves: at least 95 %
// of the phones are back within 10 s of the return, each as the participant it was (its token);
// no participant has two votes in one poll, the votes re-sent after the drop included; and the
// daemon's tallies, the journal's counts and the votes the phones saw acknowledged all agree.
//
// Run it through wifi_drop.sh (it makes the namespace, and removes it whatever happens): this
// file refuses to run anywhere but in the namespace named by TUTTI_NETNS, so that it never
// silences the machine's own loopback. Env: TUTTI_BIN, LOADGEN, TUTTI_NETNS, TUTTI_DROP_QDISC
// (what wifi_drop.sh found the kernel has: "netem loss 100%", else "blackhole").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../lib/daemon.mjs';
import { consoleSection, consoleSession, login } from '../lib/console_socket.mjs';
import { Ledger, doubleVotes, journalTallies, startLoadgen, waitFor } from '../lib/loadgen.mjs';

const NETNS = process.env.TUTTI_NETNS;
const DROP_QDISC = (process.env.TUTTI_DROP_QDISC || 'netem loss 100%').split(' ');
const PHONES = 1000;
const JOIN_OVER_S = 5;
const TAPS_PER_S = 1;
const SILENCE_LIMIT_S = 8;	// the phone app's watchdog (clients/audience/connection.js)
const DROP_MS = 10000;		// how long the network is gone
const BACK_WITHIN_MS = 10000;	// the share below must be back within this of the return
const BACK_SHARE = 0.95;
const WAIT_ALL_MS = 20000;	// how long after the return the stragglers are waited for (figures only)
const SETTLE_MS = 15000;	// every vote of the second poll acknowledged, the tallies equal

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The name of the namespace this process runs in ("" for the machine's own).
const currentNetns = () => execFileSync('ip', ['netns', 'identify', String(process.pid)]).toString().trim();

// The loopback of this namespace silenced, or back.
const tc = (...args) => execFileSync('tc', ['qdisc', ...args, 'dev', 'lo', 'root', ...(args[0] === 'add' ? DROP_QDISC : [])]);

// Two cues, each with its own poll of three options (poll index = cue index).
function venue() {
  const cues = [0, 1].map((i) => ({ id: `c${i}`, title: `Cue ${i}`, scene: 'poll', controls: ['tap', 'vote'],
    poll: { id: `p${i}`, question: `Poll ${i}?`, options: ['Red', 'Green', 'Blue'] } }));
  return { name: 'Drop Hall', capacity: PHONES * 2, limits: { max_connections_per_address: 100 },
    zones: [{ id: 'floor', name: 'Floor', capacity: PHONES * 2 }], cues, console: consoleSection() };
}

function startCrowd(port, ledger, seed) {
  const args = ['--port', String(port), '--phones', String(PHONES), '--join-over', String(JOIN_OVER_S),
    '--active', String(PHONES), '--rate', String(TAPS_PER_S), '--inputs-at-join', '--vote-polls', '--reconnect',
    '--silence-limit', String(SILENCE_LIMIT_S), '--ledger', ledger, '--duration', '600', '--timeout', '150',
    '--seed', String(seed), '--label', 'wifi-drop', '--fail-on-errors'];
  return startLoadgen(args);
}

// Votes the phones saw acknowledged in @poll, counted per option; and (participant, poll) pairs seen twice.
function ledgerTallies(ledger, poll) {
  const tallies = [0, 0, 0];
  for (const v of ledger.votes) if (v.poll === poll) tallies[v.choice] += 1;
  return tallies;
}

function ledgerDoubles(ledger) {
  const seen = new Set();
  return ledger.votes.filter((v) => {
    const key = `${v.id} ${v.poll}`;
    return seen.has(key) || !seen.add(key);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

test('1,000 phones whose network drops for 10 s come back as themselves, and no vote counts twice',
  { timeout: 120000 }, async () => {
    assert.ok(NETNS, 'TUTTI_NETNS is not set: run this test through tests/integration/wifi_drop.sh');
    assert.equal(currentNetns(), NETNS, `not inside the network namespace ${NETNS}: refusing to silence this loopback`);
    const seed = Math.floor(Math.random() * 2 ** 31);
    console.log(`wifi drop: seed ${seed}, the drop by "${DROP_QDISC.join(' ')}" on the namespace's loopback`);
    const dir = mkdtempSync(join(tmpdir(), 'tutti-wifi-'));
    const config = join(dir, 'venue.json');
    writeFileSync(config, JSON.stringify(venue()));
    const journal = join(dir, 'show.db');
    const ledger = new Ledger(join(dir, 'ledger.txt'));
    writeFileSync(ledger.path, '');
    let d = null;
    let lg = null;
    let op = null;
    let dropped = false;
    try {
      d = await startDaemon({ config, args: ['--journal', journal] });
      lg = startCrowd(d.port, ledger.path, seed);
      await waitFor('every phone to join and vote in the first poll', 40000,
        () => ledger.read().phones.size === PHONES && ledger.votes.length === PHONES);

      // The second poll opens; the network drops while its votes are on their way.
      op = await consoleSession(d, await login(d));
      assert.equal((await op.command({ cmd: 'cue.go' }, 5000)).ok, true, 'the GO to the second poll');
      // The moment the first of them is acknowledged: the rest are being sent, or not yet seen.
      const firstAck = () => ledger.read().votes.some((v) => v.poll === 'p1');
      for (const until = Date.now() + 5000; !firstAck() && Date.now() < until;) await sleep(1);
      tc('add');
      dropped = true;
      const droppedAt = Date.now();
      op.ws.terminate();
      await sleep(DROP_MS);
      const atDrop = ledger.read();
      const votesBeforeReturn = atDrop.votes.length;
      tc('del');
      dropped = false;
      const returnedAt = Date.now();
      const welcomesAtDrop = new Map([...atDrop.phones].map(([phone, p]) => [phone, p.times.filter((t) => t < droppedAt).length]));

      // Each phone's first welcome after the drop: when, after the return.
      const backAfter = () => {
        ledger.read();
        return [...welcomesAtDrop].map(([phone, n]) => ledger.phones.get(phone).times[n])
          .filter((t) => t !== undefined).map((t) => t - returnedAt);
      };
      await waitFor('every phone back', WAIT_ALL_MS, () => backAfter().length === PHONES).catch(() => {});
      const back = backAfter().sort((a, b) => a - b);
      const inTime = back.filter((ms) => ms <= BACK_WITHIN_MS).length;
      assert.deepEqual(ledger.resumeFailures.slice(0, 5), [],
        `${ledger.resumeFailures.length} phones that held a token came back as someone new`);
      assert.ok(inTime >= BACK_SHARE * PHONES,
        `${inTime} of ${PHONES} phones back within ${BACK_WITHIN_MS / 1000} s of the return (${back.length} at all)`);

      // Every phone's vote in the second poll acknowledged, once; the daemon, the journal and the phones agree.
      op = await consoleSession(d, await login(d));
      let last;
      await waitFor('the second poll\'s votes acknowledged and the tallies equal', SETTLE_MS, async () => {
        const live = await op.next((m) => m.type === 'live');
        ledger.read();
        last = { poll: live.poll?.id, daemon: live.poll?.tallies, journal: journalTallies(journal, 1),
          phones: ledgerTallies(ledger, 'p1') };
        return live.poll?.id === 'p1' && last.phones.reduce((a, b) => a + b) === PHONES
          && JSON.stringify(last.daemon) === JSON.stringify(last.journal)
          && JSON.stringify(last.daemon) === JSON.stringify(last.phones);
      }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
      assert.deepEqual(journalTallies(journal, 0), ledgerTallies(ledger, 'p0'), 'the first poll: journal and phones');
      const doubles = doubleVotes(journal);
      assert.deepEqual(doubles.slice(0, 5), [], `${doubles.length} participants have two votes in one poll`);
      assert.deepEqual(ledgerDoubles(ledger).slice(0, 5), [], 'a vote acknowledged twice');

      lg.proc.kill('SIGTERM');
      const { code } = await lg.exited;
      console.log(lg.output().trim());
      assert.equal(code, 0, 'the load generator saw failed resumes or protocol errors');
      const resent = /re-sent (\d+)/.exec(lg.output())?.[1];
      console.log(`wifi drop figures: ${inTime} of ${PHONES} phones (${(inTime / PHONES * 100).toFixed(1)} %) back `
        + `within ${BACK_WITHIN_MS / 1000} s of the return, ${back.length} at all; after the return `
        + `p50 ${percentile(back, 50)} ms, p95 ${percentile(back, 95)} ms, max ${back[back.length - 1]} ms; `
        + `votes: second poll ${JSON.stringify(last.daemon)}, ${PHONES * 2 - votesBeforeReturn} acked after the return, `
        + `${resent} re-sent, 0 double votes`);
    } finally {
      if (dropped) tc('del');
      op?.ws.terminate();
      lg?.proc.kill('SIGKILL');
      if (d) await d.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
