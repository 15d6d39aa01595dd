// Alarms: what the console must not miss. The top bar counts those not yet acknowledged; the
// panel lists them, with Acknowledge for the operator (the venue's alarms are the venue's: the
// artist sees them but cannot acknowledge them).
import { $, button, h, keyed, setText } from './dom.js';
import { act } from './command.js';

export function alarmsPanelRender(live, role) {
  const raised = live.alarms.filter((a) => !a.acknowledged).length;
  $('alarms-panel').hidden = live.alarms.length === 0;
  $('alarm-pill').hidden = raised === 0;
  setText($('alarm-pill'), `⚠ ${raised} alarm${raised === 1 ? '' : 's'}`);
  keyed($('alarms'), JSON.stringify([role, live.alarms.map((a) => [a.id, a.message, a.acknowledged])]), () => live.alarms.map(
    (alarm) => h('li', { class: alarm.acknowledged ? 'acknowledged' : 'raised' }, `${alarm.message} `,
      alarm.acknowledged ? '(acknowledged)' : role !== 'operator' ? '(the venue acknowledges it)'
        : button('Acknowledge', `ack-${alarm.id}`,
          () => act($('alarms-feedback'), { cmd: 'alarm.ack', alarm: alarm.id }, `Acknowledged: ${alarm.id}`))),
  ));
}
