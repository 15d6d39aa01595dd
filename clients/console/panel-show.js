// The show panel: the current cue in the header, GO and Back, and the cue list (tap to jump).
import { $, button, h, keyed } from './dom.js';
import { send } from './link.js';

export function showPanelInit() {
  $('go').addEventListener('click', () => send({ cmd: 'cue.go' }));
  $('back').addEventListener('click', () => send({ cmd: 'cue.back' }));
}

export function showPanelRender(live) {
  $('venue-cue').textContent = `${live.cue.index + 1}. ${live.cue.title || live.cue.id} (${live.cue.scene})`;
  keyed($('cues'), JSON.stringify([live.cues, live.cue.index]), () => live.cues.map((cue, i) => {
    const current = i === live.cue.index;
    const jump = button(cue.title || cue.id, `cue-${cue.id}`, () => send({ cmd: 'cue.jump', cue: cue.id }));
    if (current) jump.setAttribute('aria-current', 'step');
    return h('li', { class: current ? 'current' : '' }, jump);
  }));
}
