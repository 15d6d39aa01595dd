// Moderation (the operator's only): who acted last, by the id their phone shows, with Mute and
// a two-tap Remove.
import { $, button, confirmButton, h, keyed } from './dom.js';
import { send } from './link.js';

export function moderationPanelRender(live, role) {
  $('moderation').hidden = role !== 'operator';
  keyed($('recent'), live.recent.join(), () => live.recent.map((id) => h('li', {}, `${id} `,
    button('Mute', `mute-${id}`, () => send({ cmd: 'moderate.mute', participant: id, on: true })), ' ',
    confirmButton('Remove', `kick-${id}`, () => send({ cmd: 'moderate.kick', participant: id })))));
}
