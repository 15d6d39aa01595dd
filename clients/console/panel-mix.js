// The co-creation mix: one slider per mapping of the current cue; a slider being dragged keeps
// its own value.
import { $, h } from './dom.js';
import { send } from './link.js';

export function mixPanelRender(live) {
  const box = $('mix');
  if (!live.mix.length) { box.replaceChildren(h('p', {}, 'No crowd mapping in this cue')); box.dataset.key = ''; return; }
  const key = `${live.cue.index}:${live.mix.length}`;
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren(...live.mix.map((m) => {
      const input = h('input', { type: 'range', min: 0, max: 1, step: 0.05, 'data-testid': `mix-${m.mapping}` });
      input.addEventListener('change', () => send({ cmd: 'mix.set', mapping: m.mapping, crowd: Number(input.value) }));
      return h('label', {}, `${m.source} → ${m.target} `, input);
    }));
  }
  live.mix.forEach((m, i) => {
    const input = box.querySelectorAll('input')[i];
    if (input && document.activeElement !== input) input.value = String(m.crowd);
  });
}
