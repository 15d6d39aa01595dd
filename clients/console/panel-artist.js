// The artist's controls: a slider per parameter of the current cue's sound, named in words, its
// value in its unit (dB, Hz, %, s), and Reset back to the cue's own value. The cutoff moves on a
// log scale, as ears hear it.
import { $, h, keyed } from './dom.js';
import { act } from './command.js';
import { sliderRow, sliderRowUpdate } from './slider.js';

const LOG_TARGETS = new Set(['filter_cutoff']);
const toSlider = (c, v) => (LOG_TARGETS.has(c.target) ? Math.log(v / c.min) / Math.log(c.max / c.min) : (v - c.min) / (c.max - c.min));
const fromSlider = (c, x) => (LOG_TARGETS.has(c.target) ? c.min * (c.max / c.min) ** x : c.min + x * (c.max - c.min));

const hertz = (v) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10000 ? 1 : 2)} kHz` : `${v.toFixed(0)} Hz`);
const percent = (v) => `${(v * 100).toFixed(0)} %`;

// A parameter's value in its unit, by its target ("stem_gain:drums" is a level in dB).
const UNITS = {
  master_gain: (v) => `${v.toFixed(1)} dB`, stem_gain: (v) => `${v.toFixed(1)} dB`, filter_cutoff: hertz,
  filter_resonance: percent, delay_mix: percent, delay_feedback: percent,
  delay_time: (v) => `${v.toFixed(2)} s`, playback_rate: (v) => `${(v * 100).toFixed(1)} %`,
};
const inUnit = (c, v) => (UNITS[c.target.split(':')[0]] || ((x) => x.toFixed(2)))(v);

export function artistPanelRender(live) {
  const box = $('artist-controls');
  keyed(box, `${live.cue.id}:${live.artist.map((c) => c.target).join()}`, () => (live.artist.length ? live.artist.map((c) => sliderRow({
    name: c.label, testid: `artist-${c.target}`, step: 0.005, show: (x) => inUnit(c, fromSlider(c, x)),
    onSet: (x, answer) => act(answer, { cmd: 'artist.control', target: c.target, value: fromSlider(c, x) },
      `${c.label}: ${inUnit(c, fromSlider(c, x))}`),
    onReset: (answer) => act(answer, { cmd: 'artist.control', target: c.target, value: null }, `${c.label}: back to the cue's`),
  })) : [h('p', {}, 'No sound in this cue')]));
  live.artist.forEach((c, i) => {
    const changed = Math.abs(c.value - c.config) > 1e-6 ? ` (cue: ${inUnit(c, c.config)})` : '';
    sliderRowUpdate(box.children[i], toSlider(c, c.value), inUnit(c, c.value) + changed, `back to the cue's ${inUnit(c, c.config)}`);
  });
}
