// Crowd messages: the moderators' queue (oldest first) and what is on the stage screen now.
import { $, button, h, keyed } from './dom.js';
import { send } from './link.js';

function pendingItem(x) {
  return h('li', { 'data-testid': `pending-${x.id}` }, h('q', {}, x.text), h('small', {}, `${x.from} · ${x.zone}`),
    h('div', { class: 'row' },
      button('Approve', `approve-${x.id}`, () => send({ cmd: 'moderate.approve', text: x.id })),
      button('Reject', `reject-${x.id}`, () => send({ cmd: 'moderate.reject', text: x.id })),
      button('Mute sender', `mute-text-${x.id}`, () => send({ cmd: 'moderate.mute', participant: x.from, on: true }))));
}

function wallItem(x) {
  return h('li', { 'data-testid': `shown-${x.id}` }, h('q', {}, x.text), h('small', {}, x.from),
    button('Take down', `take-down-${x.id}`, () => send({ cmd: 'moderate.take_down', text: x.id })));
}

export function textsPanelRender(live) {
  const t = live.texts;
  $('texts').hidden = !t; // the operator's only: the artist's live view carries none
  if (!t) return;
  $('texts-summary').textContent = `${t.waiting} waiting · ${t.approved} approved · ${t.rejected} rejected · `
    + `${t.filtered} stopped by the word filter`;
  keyed($('texts-pending'), t.pending.map((x) => x.id).join(), () => t.pending.map(pendingItem));
  keyed($('texts-wall'), t.wall.map((x) => x.id).join() || 'empty', () => (t.wall.length ? t.wall.map(wallItem)
    : [h('li', { class: 'hint' }, 'Nothing on the screen.')]));
}
