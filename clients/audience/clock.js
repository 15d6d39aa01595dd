// Clock sync with the daemon's show time (ping/pong, NTP-style, see docs/protocol.md).
// Keeps the last eight samples and trusts the one with the smallest round trip.

const MAX_SAMPLES = 8;

export class ShowClock {
  #samples = [];
  #offset = null; // show time = performance.now() + offset

  // A ping message carrying the phone's own time.
  makePing() {
    return { type: 'ping', t0: performance.now() };
  }

  onPong({ t0, t1, t2 }) {
    const t3 = performance.now();
    if (![t0, t1, t2].every(Number.isFinite)) return;
    const offset = ((t1 - t0) + (t2 - t3)) / 2;
    const roundTrip = (t3 - t0) - (t2 - t1);
    this.#samples.push({ offset, roundTrip });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.shift();
    const best = this.#samples.reduce((a, b) => (b.roundTrip < a.roundTrip ? b : a));
    this.#offset = best.offset;
  }

  // A daemon restart resets show time, so samples from an earlier connection are dropped;
  // until the first pong, the welcome's `t` gives a rough offset.
  reset(showTimeNow) {
    this.#samples = [];
    this.#offset = Number.isFinite(showTimeNow) ? showTimeNow - performance.now() : null;
  }

  get synced() {
    return this.#samples.length > 0;
  }

  get roundTrip() {
    return this.#samples.length ? Math.min(...this.#samples.map((s) => s.roundTrip)) : null;
  }

  // Current show time in ms, or null before anything is known.
  now() {
    return this.#offset === null ? null : performance.now() + this.#offset;
  }
}
