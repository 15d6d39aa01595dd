// The artist's controls: a slider per parameter of the current cue (the cutoff on a log scale,
// as ears hear it), with its value, and Reset back to the cue's own value.
import { $, button, h, keyed } from './dom.js';
import { send } from './link.js';

const LOG_TARGETS = new Set(['filter_cutoff']);
const toSlider = (c, v) => (LOG_TARGETS.has(c.target) ? Math.log(v / c.min) / Math.log(c.max / c.min) : (v - c.min) / (c.max - c.min));
const fromSlider = (c, x) => (LOG_TARGETS.has(c.target) ? c.min * (c.max / c.min) ** x : c.min + x * (c.max - c.min));
const shown = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

export function artistPanelRender(live) {
  const box = $('artist-controls');
  keyed(box, `${live.cue.index}:${live.artist.map((c) => c.target).join()}`, () => live.artist.map((c) => {
    const input = h('input', { type: 'range', min: 0, max: 1, step: 0.005, 'data-testid': `artist-${c.target}` });
    const value = h('output');
    input.addEventListener('input', () => { value.textContent = shown(fromSlider(c, Number(input.value))); });
    input.addEventListener('change', () => send({ cmd: 'artist.control', target: c.target, value: fromSlider(c, Number(input.value)) }));
    const reset = button('Reset', `artist-reset-${c.target}`, () => send({ cmd: 'artist.control', target: c.target, value: null }));
    return h('label', {}, h('span', {}, `${c.target} `, value), input, reset);
  }));
  live.artist.forEach((c, i) => {
    const label = box.children[i];
    const input = label?.querySelector('input');
    if (!input || document.activeElement === input) return;
    input.value = String(toSlider(c, c.value));
    label.querySelector('output').textContent = shown(c.value) + (c.value !== c.config ? ` (cue: ${shown(c.config)})` : '');
  });
}
