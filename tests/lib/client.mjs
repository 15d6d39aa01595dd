// A phone-like WebSocket client for integration tests: records every message and
// lets a test wait for the first one that matches, with a bounded wait.
//
// The state stream (docs/protocol.md, "s") sends the show once and compact numbers after; like
// the phone app, the client keeps the whole view. Each `s` message is recorded as it came, then
// as `{"type":"ack","seq":k}` when it carries `k`, then as a `{"type":"state",...}` view of the
// whole show (`tick`, `participants`, `active`, `frozen`, `over`, `cue`, `poll` with `tallies`
// and `total`, `crowd`), so a test reads what a phone shows.

import WebSocket from 'ws';

export const PROTOCOL = 'tutti.audience.v2';

export class Phone {
  constructor(url, options = {}) {
    this.messages = [];
    this.waiters = [];
    this.closed = null;
    this.seq = 0;
    this.ws = new WebSocket(url, PROTOCOL, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.show = null;
    this.beat = null;
    this.bytes = 0;
    this.ws.on('message', (data, isBinary) => {
      this.bytes += data.length;
      const msg = isBinary ? { type: '(binary)' } : JSON.parse(data.toString());
      this.record(msg);
      if (msg.type !== 's') return;
      if (msg.show) this.show = msg.show;
      if ('beat' in msg) this.beat = msg.beat;
      if (msg.k !== undefined) this.record({ type: 'ack', seq: msg.k, from: msg });
      this.record(this.view(msg));
    });
    this.ws.on('error', () => {});
    this.closedPromise = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      });
    });
  }

  record(msg) {
    this.messages.push(msg);
    this.waiters = this.waiters.filter((w) => !w.test(msg) || (w.resolve(msg), false));
  }

  // The whole state a phone shows after live message @s: the show it holds and the numbers.
  view(s) {
    const show = this.show ?? {};
    const poll = show.poll ? { ...show.poll } : null;
    if (poll) {
      poll.tallies = s.t ?? poll.options.map(() => 0);
      poll.total = poll.tallies.reduce((a, b) => a + b, 0);
    }
    const pair = (a, i) => (a ? [a[i], a[i + 1]] : null);
    return {
      type: 'state', tick: s.n, v: s.v, showV: show.v, participants: s.p, active: s.a,
      frozen: show.frozen, over: show.over, cue: show.cue, poll, beat: this.beat,
      crowd: {
        taps_per_s: s.tap ? s.tap[0] : null, tempo_bpm: s.tap?.[1] ?? null,
        xy: { mean: pair(s.xy, 0), median: pair(s.xy, 2) },
        slider: { mean: s.sl ? s.sl[0] : null, median: s.sl ? s.sl[1] : null },
        shake: s.sh ? { n: s.sh[0], energy: s.sh[1] } : null,
      },
      raw: s,
    };
  }

  send(obj) { this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); }
  sendRaw(data, binary = false) { this.ws.send(data, { binary }); }

  // Resolves with the first message (already received or future) that passes @test.
  waitFor(test, what = 'a message', timeoutMs = 5000) {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { test, resolve: (m) => { clearTimeout(timer); resolve(m); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        const last = this.messages.slice(-3).map((m) => JSON.stringify(m).slice(0, 300)).join('\n');
        reject(new Error(`timed out waiting for ${what}; last messages:\n${last}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  // Waits for a message that arrives after this call.
  waitForNext(test, what, timeoutMs) {
    const start = this.messages.length;
    return this.waitFor((m) => this.messages.indexOf(m) >= start && test(m), what, timeoutMs);
  }

  waitClose(timeoutMs = 5000) {
    return Promise.race([
      this.closedPromise,
      new Promise((_, reject) => setTimeout(() => reject(new Error('socket did not close')), timeoutMs)),
    ]);
  }

  async hello({ token = null, zone = null } = {}) {
    await this.opened;
    this.send({ type: 'hello', token, zone });
    this.welcome = await this.waitFor((m) => m.type === 'welcome', 'welcome');
    this.seq = this.welcome.last_seq;
    return this.welcome;
  }

  input(control, fields = {}) {
    this.send({ type: 'input', seq: ++this.seq, control, ...fields });
    return this.seq;
  }

  vote(poll, choice) {
    this.send({ type: 'vote', seq: ++this.seq, poll, choice });
    return this.seq;
  }

  close() { this.ws.close(); return this.waitClose().catch(() => {}); }
}

export async function httpGet(url, options = {}) {
  const res = await fetch(url, options);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

// Value of one Prometheus sample, e.g. metric(text, 'tutti_inputs_rejected_total{reason="too_large"}').
export function metric(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}
