// Beat flashes, played by the phone itself: the daemon sends the beat's grid once (`beat`:
// beats at show times at + i × ms, a flash allowed on every flash-th of them, docs/protocol.md)
// and this module flashes on those beats on the synced clock (clock.js), until the grid changes.
// - never twice within flash × ms (a grid that moved must not bring two flashes close together);
// - never when not allowed (reduced motion, a hidden page): that beat simply passes;
// - never off the beat: a timer that wakes too late lets that beat pass;
// - nothing heard from the daemon for 4 s: it stops, and starts again when the daemon is heard.
// No DOM here: the page hands in its clocks, its flash and its rules.

export const SILENCE_STOP_MS = 4000;
export const LATE_MS = 25; // a flash this much after its beat still reads as on the beat

export class BeatFlasher {
  #showNow;
  #wallNow;
  #flash;
  #allowed;
  #setTimer;
  #clearTimer;
  #grid = null; // { at, ms, flash }
  #timer = null;
  #heardAt = -Infinity; // wall time the daemon was last heard
  #flashedAt = -Infinity; // wall time of the last flash
  #lastBeat = -Infinity; // show time of the last beat taken (flashed or let pass)

  // showNow(): show time in ms, or null before it is known; wallNow(): the phone's own clock
  // (performance.now()); flash(): show one flash; allowed(): whether a flash may show now.
  constructor({ showNow, wallNow = () => performance.now(), flash, allowed = () => true,
    setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    this.#showNow = showNow;
    this.#wallNow = wallNow;
    this.#flash = flash;
    this.#allowed = allowed;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
  }

  get grid() {
    return this.#grid;
  }

  // A state's `beat`: undefined keeps the grid, null (no steady beat) stops it, a grid replaces it.
  setGrid(beat) {
    if (beat === undefined) return;
    const valid = beat && Number.isFinite(beat.at) && Number.isFinite(beat.ms) && beat.ms > 0
      && Number.isInteger(beat.flash) && beat.flash >= 0;
    this.#grid = valid ? { at: beat.at, ms: beat.ms, flash: beat.flash } : null;
    this.#arm();
  }

  // Something came from the daemon: the grid is still the show's.
  heard() {
    this.#heardAt = this.#wallNow();
    if (this.#grid && this.#timer === null) this.#arm();
  }

  // Forgets the grid (a new connection: its first state brings the grid again).
  stop() {
    this.#grid = null;
    this.#arm();
  }

  #period() {
    return this.#grid.ms * this.#grid.flash;
  }

  #silent(wall) {
    return wall - this.#heardAt > SILENCE_STOP_MS;
  }

  #arm() {
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
    if (!this.#grid || this.#grid.flash === 0) return;
    const wall = this.#wallNow();
    const show = this.#showNow();
    if (show === null || this.#silent(wall)) return; // heard() starts it again
    const period = this.#period();
    let beat = this.#grid.at + Math.ceil((show - this.#grid.at) / period) * period;
    // The next flash beat not yet taken, far enough from the last flash (a grid that moved
    // may put one closer: it passes, rather than flash late or twice).
    for (;;) {
      const wait = Math.max(beat - show, this.#flashedAt + period - wall);
      if (beat > this.#lastBeat + period / 2 && wait - (beat - show) <= LATE_MS) {
        this.#timer = this.#setTimer(() => this.#fire(beat), Math.max(0, wait));
        return;
      }
      beat += period;
    }
  }

  #fire(beat) {
    this.#timer = null;
    const wall = this.#wallNow();
    if (!this.#grid || this.#silent(wall)) return;
    const early = this.#flashedAt + this.#period() - wall;
    if (early > 0) { // a timer may wake a little early
      this.#timer = this.#setTimer(() => this.#fire(beat), early);
      return;
    }
    this.#lastBeat = beat;
    const show = this.#showNow();
    if (show !== null && show - beat <= LATE_MS && this.#allowed()) {
      this.#flashedAt = wall;
      this.#flash();
    }
    this.#arm();
  }
}
