// The C load generator's crowd for integration tests (bench/README.md): started with its
// arguments, its ledger read as it grows, and the show's journal read with the sqlite3 shell,
// what a test holds the daemon to after a kill or a network drop.

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const LOADGEN = process.env.LOADGEN || new URL('../../build/bench/loadgen', import.meta.url).pathname;

// Starts the load generator with @args: { proc, exited (resolves to { code, signal }), output() }.
export function startLoadgen(args) {
  const proc = spawn(LOADGEN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (b) => { out += b; });
  proc.stderr.on('data', (b) => { out += b; });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, output: () => out };
}

// Calls @check every 100 ms until it returns something true, and returns that; throws after @ms.
export async function waitFor(what, ms, check) {
  const until = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The ledger, read as it grows: only whole lines, so a line being written is read next time.
// phones: phone -> { id, welcomes, ids, times } (times: each welcome's wall clock, in ms).
export class Ledger {
  constructor(path) {
    Object.assign(this, { path, offset: 0, votes: [], phones: new Map(), cue: -1, resumeFailures: [] });
  }

  read() {
    const text = readFileSync(this.path).toString('latin1', this.offset);
    const end = text.lastIndexOf('\n') + 1;
    this.offset += end;
    for (const line of text.slice(0, end).split('\n')) if (line) this.take(line.split(' '));
    return this;
  }

  take([time, what, ...f]) {
    if (what === 'vote') {
      this.votes.push({ phone: f[0], id: f[1], poll: f[2], choice: Number(f[3]), seq: Number(f[4]) });
    } else if (what === 'cue') {
      this.cue = Number(f[0]);
    } else if (what === 'welcome') {
      const [phone, id, , how] = f;
      const had = this.phones.get(phone);
      // A phone welcomed before holds a token: it must come back as the same participant.
      if (had && (how !== 'resumed' || id !== had.id)) this.resumeFailures.push({ phone, was: had.id, now: id, how });
      this.phones.set(phone, { id, welcomes: (had?.welcomes ?? 0) + 1, ids: new Set([...(had?.ids ?? []), id]),
        times: [...(had?.times ?? []), Number(time) * 1000] });
    }
  }

  // Phone -> its welcome count now.
  welcomeCounts() {
    return new Map([...this.phones].map(([phone, p]) => [phone, p.welcomes]));
  }
}

// @query's rows as objects, read with the sqlite3 command-line shell (a whole show's votes: tens of MB).
export function sql(journal, query) {
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-json', journal, query], { maxBuffer: 256 << 20 })
    .toString().trim();
  return out ? JSON.parse(out) : [];
}

// The journal's count per option of poll @index: its vote rows plus the forgotten (anonymous) ones.
export function journalTallies(journal, index, options = 3) {
  const tallies = new Array(options).fill(0);
  for (const r of sql(journal, `SELECT choice, count(*) AS n FROM vote WHERE poll = ${index} GROUP BY choice`
    + ` UNION ALL SELECT choice, count AS n FROM anonymous_vote WHERE poll = ${index}`)) tallies[r.choice] += r.n;
  return tallies;
}

// Participants with two vote events in one poll, re-sent votes included: [{ participant, poll, n }].
export function doubleVotes(journal) {
  return sql(journal, "SELECT participant, a AS poll, count(*) AS n FROM event WHERE kind = 'vote'"
    + ' GROUP BY participant, a HAVING n > 1');
}
