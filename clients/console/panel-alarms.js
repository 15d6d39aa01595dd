// Alarms: what the console must not miss, each with Acknowledge until it is.
import { $, button, h, keyed } from './dom.js';
import { send } from './link.js';

export function alarmsPanelRender(live) {
  $('alarms-panel').hidden = live.alarms.length === 0;
  keyed($('alarms'), JSON.stringify(live.alarms.map((a) => [a.id, a.message, a.acknowledged])), () => live.alarms.map(
    (alarm) => h('li', { class: alarm.acknowledged ? 'acknowledged' : 'raised' }, `${alarm.message} `,
      alarm.acknowledged ? null : button('Acknowledge', `ack-${alarm.id}`, () => send({ cmd: 'alarm.ack', alarm: alarm.id }))),
  ));
}
