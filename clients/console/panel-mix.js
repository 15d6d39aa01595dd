// The co-creation mix: one slider per mapping of the current cue, named in words, its share in
// per cent, and Reset back to the config's share. A slider being dragged keeps its own value.
import { $, h, keyed } from './dom.js';
import { act } from './command.js';
import { sliderRow, sliderRowUpdate } from './slider.js';

const percent = (share) => `${Math.round(share * 100)} %`;

export function mixPanelRender(live) {
  const box = $('mix');
  keyed(box, `${live.cue.id}:${live.mix.map((m) => m.label).join('|')}`, () => (live.mix.length ? live.mix.map((m) => sliderRow({
    name: m.label, testid: `mix-${m.mapping}`, step: 0.05, show: percent,
    onSet: (x, answer) => act(answer, { cmd: 'mix.set', mapping: m.mapping, crowd: x }, `${m.label}: ${percent(x)}`),
    onReset: (answer) => act(answer, { cmd: 'mix.set', mapping: m.mapping, crowd: null }, `${m.label}: back to the config's`),
  })) : [h('p', {}, 'No crowd mapping in this cue')]));
  live.mix.forEach((m, i) => {
    const changed = Math.abs(m.crowd - m.config) > 1e-6 ? ` (config: ${percent(m.config)})` : '';
    sliderRowUpdate(box.children[i], m.crowd, percent(m.crowd) + changed, `back to the config's ${percent(m.config)}`);
  });
}
