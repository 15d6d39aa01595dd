// The state stream (`s`, docs/protocol.md): the daemon sends the show's slow part (`show`: the
// cue, the poll's question, frozen, over) only when it changes, and the live numbers in every
// message, compact. This module holds the last `show` and merges each message into one state
// view, the shape the panels read:
//   { tick, v, participants, active, frozen, over, cue, poll (with tallies and total),
//     crowd: { active, taps_per_s, tempo_bpm, xy: { mean, median }, slider: { mean, median },
//              shake: { n, energy } } }
// When a message's `v` is not the held show's, it asks for the whole show again (`sync`), at
// most once a second. No DOM here: it runs in plain node for its tests.

export const SYNC_EVERY_MS = 1000;

const finite = (x) => (Number.isFinite(x) ? x : null);
const pair = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null);

// The crowd figures of one message, with the fields the cue does not show (or nobody has sent
// yet) at their resting values: no taps, no tempo, no position, no shake.
export function crowdOf(live) {
  const tap = Array.isArray(live.tap) ? live.tap : [];
  const xy = Array.isArray(live.xy) ? live.xy : [];
  const sl = Array.isArray(live.sl) ? live.sl : [];
  const sh = Array.isArray(live.sh) ? live.sh : [];
  return {
    active: finite(live.a) ?? 0,
    taps_per_s: finite(tap[0]) ?? 0,
    tempo_bpm: finite(tap[1]),
    xy: { mean: pair(xy[0], xy[1]), median: pair(xy[2], xy[3]) },
    slider: { mean: finite(sl[0]), median: finite(sl[1]) },
    shake: { n: finite(sh[0]) ?? 0, energy: finite(sh[1]) ?? 0 },
  };
}

// The show's poll with this message's counts: `t` while the counts are shown, zeros while the
// venue holds them back for the reveal (or before the first count).
export function pollOf(poll, live) {
  if (!poll || !Array.isArray(poll.options)) return null;
  const t = !poll.hidden && Array.isArray(live.t) ? live.t : [];
  const tallies = poll.options.map((_, i) => (Number.isFinite(t[i]) ? t[i] : 0));
  return { ...poll, tallies, total: tallies.reduce((sum, n) => sum + n, 0) };
}

// The state view of @show (a `show` object) and @live (an `s` message).
export function mergeState(show, live) {
  return {
    tick: finite(live.n),
    v: finite(live.v),
    participants: finite(live.p) ?? 0,
    active: finite(live.a) ?? 0,
    frozen: Boolean(show.frozen),
    over: Boolean(show.over),
    cue: show.cue ?? {},
    poll: pollOf(show.poll, live),
    crowd: crowdOf(live),
  };
}

export class StateStream {
  #send;
  #now;
  #show = null;
  #syncAt = -Infinity;

  // send(message) sends to the daemon; now() is the phone's clock in ms (performance.now()).
  constructor({ send, now = () => performance.now() }) {
    this.#send = send;
    this.#now = now;
  }

  // A new connection: the daemon's first state brings the show whole; until then, the view
  // the page shows is its own (the held show's version means nothing to a restarted daemon).
  reset() {
    this.#show = null;
    this.#syncAt = -Infinity;
  }

  get show() {
    return this.#show;
  }

  // Takes one `s` message; returns the state view, or null while no show is held.
  apply(message) {
    if (message.show && typeof message.show === 'object') this.#show = message.show;
    const v = finite(message.v);
    if (!this.#show || (v !== null && v !== this.#show.v)) this.#askForShow();
    return this.#show ? mergeState(this.#show, message) : null;
  }

  #askForShow() {
    const now = this.#now();
    if (now - this.#syncAt < SYNC_EVERY_MS) return;
    if (this.#send({ type: 'sync' }) !== false) this.#syncAt = now;
  }
}
