// The panel area: builds the controls the current cue enables (state.cue.controls), top to
// bottom in the order the state lists them (the venue config's), and only rebuilds them when
// the cue or its controls change; every state in between updates in place. While the show is
// out of reach (not live), every panel is disabled and dimmed, and comes back with the show.

import { createTap } from './control-tap.js';
import { createXY } from './control-xy.js';
import { createSlider } from './control-slider.js';
import { createShake } from './control-shake.js';
import { createVote } from './control-vote.js';
import { createText } from './control-text.js';

const FACTORIES = {
  tap: createTap, xy: createXY, slider: createSlider, shake: createShake, vote: createVote, text: createText,
};

export class ControlPanels {
  #container;
  #ctx;
  #key = null;
  #panels = []; // { name, panel, readOnly }

  constructor(container, ctx) {
    this.#container = container;
    this.#ctx = ctx;
  }

  // Returns how many panels are shown. @live: the phone is connected to the show now.
  update(state, { live = true } = {}) {
    const cue = state.cue ?? {};
    const enabled = (Array.isArray(cue.controls) ? cue.controls : []).filter((c) => FACTORIES[c]);
    // A closed poll's result stays on screen even when the cue has no vote control.
    const showResult = !enabled.includes('vote') && state.poll && !state.poll.open;
    const key = JSON.stringify([cue.id ?? null, enabled, Boolean(showResult)]);
    if (key !== this.#key) {
      this.#key = key;
      for (const { panel } of this.#panels) panel.destroy();
      const names = showResult ? [...enabled, 'vote'] : enabled;
      this.#panels = names.map((name) => ({
        name,
        panel: FACTORIES[name](this.#ctx),
        readOnly: name === 'vote' && showResult,
      }));
      for (const { name, panel } of this.#panels) panel.el.dataset.control = name;
      this.#container.replaceChildren(...this.#panels.map(({ panel }) => panel.el));
      this.#container.dataset.count = String(this.#panels.length);
    }
    this.#container.classList.toggle('offline', !live);
    for (const { panel, readOnly } of this.#panels) panel.update(state, { readOnly, live });
    return this.#panels.length;
  }
}
