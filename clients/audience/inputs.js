// Everything the phone sends that counts: inputs and votes.
// - One seq counter for both, persisted, never going back (welcome.last_seq tells where the
//   daemon stands).
// - A token bucket a little under limits.inputs_per_second, shared by all controls, so the
//   daemon never has to drop us; continuous controls (xy, slider, shake) only send their
//   latest value, at most ~8-10 times a second.
// - An outbox of votes not yet acknowledged, persisted and re-sent after a reconnect with
//   their original seq (the daemon dedups by seq, so a re-send never counts twice).

import { load, save } from './storage.js';

const RATE_SAFETY = 0.8;
const MIN_INTERVAL_MS = 100; // continuous controls: at most 10 per second each

export class InputSender {
  #connection;
  #onCounted;
  #onVoteTaken;
  #seq = Number(load('seq', 0)) || 0;
  #outbox = sanitizeOutbox(load('outbox', []));
  #lastSentSeq = 0;
  #ratePerMs = (10 * RATE_SAFETY) / 1000;
  #burst = 3;
  #tokens = 3;
  #refilledAt = performance.now();
  #minIntervalMs = 125;
  #latest = new Map(); // control -> fields still to send
  #lastSentAt = new Map(); // control -> performance.now() of its last send
  #timer = 0;

  // connection: { send(msg) -> bool, joined }; onCounted(): the daemon took our latest input;
  // onVoteTaken(vote): the daemon acknowledged this vote.
  constructor({ connection, onCounted, onVoteTaken = () => {} }) {
    this.#connection = connection;
    this.#onCounted = onCounted;
    this.#onVoteTaken = onVoteTaken;
  }

  onWelcome(welcome) {
    const perSecond = Number(welcome.limits?.inputs_per_second) > 0 ? Number(welcome.limits.inputs_per_second) : 10;
    this.#ratePerMs = (perSecond * RATE_SAFETY) / 1000;
    // Stay inside the daemon's own bucket (welcome.limits.input_burst) with room to spare.
    const daemonBurst = Number(welcome.limits?.input_burst) > 0 ? Number(welcome.limits.input_burst) : 3;
    this.#burst = Math.max(1, Math.min(3, perSecond * 0.3, daemonBurst - 1));
    this.#tokens = this.#burst;
    this.#refilledAt = performance.now();
    this.#minIntervalMs = Math.max(MIN_INTERVAL_MS, 1000 / (perSecond * RATE_SAFETY));

    const taken = Number(welcome.last_seq) || 0;
    const highestInOutbox = Math.max(0, ...this.#outbox.map((v) => v.seq || 0));
    this.#seq = Math.max(this.#seq, taken, highestInOutbox);
    save('seq', this.#seq);
    this.#lastSentSeq = taken;

    // Sent votes the daemon has taken are done; the rest go again, in seq order, before
    // anything new (a newer seq taken first would make them look like re-sends).
    this.#outbox = this.#outbox.filter((v) => v.seq === null || v.seq > taken);
    for (const vote of this.#outbox.filter((v) => v.seq !== null).sort((a, b) => a.seq - b.seq)) {
      this.#take(true);
      this.#transmit({ type: 'vote', seq: vote.seq, poll: vote.poll, choice: vote.choice });
    }
    this.#saveOutbox();
    this.#pump();
  }

  // A tap is sent now or not at all; returns whether it went out.
  tap() {
    if (!this.#connection.joined || !this.#take(false)) return false;
    this.#transmit({ type: 'input', seq: this.#nextSeq(), control: 'tap' });
    return true;
  }

  // Continuous controls: remember the newest value; it goes out when the budget allows.
  setLatest(control, fields) {
    this.#latest.set(control, fields);
    this.#pump();
  }

  // A crowd text goes now, once: returns its seq, or null when it cannot go (not joined).
  // It may use the last token even when continuous controls have spent the bucket: it is rare.
  text(text) {
    if (!this.#connection.joined) return null;
    this.#take(true);
    const seq = this.#nextSeq();
    this.#transmit({ type: 'input', seq, control: 'text', text });
    return seq;
  }

  vote(poll, choice) {
    // An unsent vote on the same poll is simply replaced.
    this.#outbox = this.#outbox.filter((v) => !(v.poll === poll && v.seq === null));
    this.#outbox.push({ poll, choice, seq: null });
    this.#saveOutbox();
    this.#pump();
  }

  // The venue started @poll over (a new round): a vote for the old round must not go.
  forgetPoll(poll) {
    const before = this.#outbox.length;
    this.#outbox = this.#outbox.filter((v) => v.poll !== poll);
    if (this.#outbox.length !== before) this.#saveOutbox();
  }

  // The choice this phone most recently made on @poll that the daemon may not know yet.
  pendingChoice(poll) {
    const mine = this.#outbox.filter((v) => v.poll === poll);
    return mine.length ? mine[mine.length - 1].choice : undefined;
  }

  onAck({ seq }) {
    if (!Number.isFinite(seq)) return;
    const taken = this.#outbox.filter((v) => v.seq !== null && v.seq <= seq);
    if (taken.length) {
      this.#outbox = this.#outbox.filter((v) => !taken.includes(v));
      this.#saveOutbox();
      for (const vote of taken) this.#onVoteTaken(vote);
    }
    if (seq >= this.#lastSentSeq) this.#onCounted();
  }

  // An error answering one of our votes: returns the dropped vote when it can never count.
  onError({ code, seq }) {
    const vote = this.#outbox.find((v) => v.seq !== null && v.seq === seq);
    if (!vote) return null;
    if (code === 'rate_limited') {
      vote.seq = null; // try again with a fresh seq once the budget allows
      this.#saveOutbox();
      setTimeout(() => this.#pump(), 1000);
      return null;
    }
    this.#outbox = this.#outbox.filter((v) => v !== vote);
    this.#saveOutbox();
    return vote;
  }

  #pump() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    if (!this.#connection.joined) return;
    for (;;) {
      const vote = this.#outbox.find((v) => v.seq === null);
      const now = performance.now();
      const control = [...this.#latest.keys()].find(
        (c) => now - (this.#lastSentAt.get(c) ?? -Infinity) >= this.#minIntervalMs);
      if (!vote && !control) break;
      if (!this.#take(false)) break;
      if (vote) {
        vote.seq = this.#nextSeq();
        this.#saveOutbox();
        this.#transmit({ type: 'vote', seq: vote.seq, poll: vote.poll, choice: vote.choice });
      } else {
        const fields = this.#latest.get(control);
        this.#latest.delete(control);
        this.#lastSentAt.set(control, now);
        this.#transmit({ type: 'input', seq: this.#nextSeq(), control, ...fields });
      }
    }
    if (this.#outbox.some((v) => v.seq === null) || this.#latest.size) {
      this.#timer = setTimeout(() => this.#pump(), Math.max(20, this.#msUntilToken(), this.#msUntilControlDue()));
    }
  }

  #transmit(message) {
    if (this.#connection.send(message)) this.#lastSentSeq = Math.max(this.#lastSentSeq, message.seq);
  }

  #nextSeq() {
    this.#seq += 1;
    save('seq', this.#seq);
    return this.#seq;
  }

  // Takes one token; @force lets re-sends through even on an empty bucket (they are rare).
  #take(force) {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#refilledAt) * this.#ratePerMs);
    this.#refilledAt = now;
    if (this.#tokens < 1 && !force) return false;
    this.#tokens -= 1;
    return true;
  }

  #msUntilToken() {
    const tokens = this.#tokens + (performance.now() - this.#refilledAt) * this.#ratePerMs;
    return tokens >= 1 ? 0 : (1 - tokens) / this.#ratePerMs;
  }

  #msUntilControlDue() {
    if (this.#outbox.some((v) => v.seq === null)) return 0;
    const now = performance.now();
    const waits = [...this.#latest.keys()].map(
      (c) => this.#minIntervalMs - (now - (this.#lastSentAt.get(c) ?? -Infinity)));
    return Math.max(0, Math.min(...waits));
  }

  #saveOutbox() {
    save('outbox', this.#outbox);
  }
}

function sanitizeOutbox(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((v) => v && typeof v.poll === 'string' && Number.isInteger(v.choice))
    .map((v) => ({ poll: v.poll, choice: v.choice, seq: Number.isInteger(v.seq) ? v.seq : null }));
}
