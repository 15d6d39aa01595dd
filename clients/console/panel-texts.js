// Crowd messages (the operator's only): the moderators' queue (oldest first) and what is on the
// stage screen now. Rows are kept by the text's number, so the queue moving on under a finger
// never rebuilds the message being approved.
import { $, button, h, keyedRows, setText } from './dom.js';
import { act } from './command.js';

let byId = new Map();	// the texts of the last live view, by their number

const answer = () => $('texts-feedback');

function pendingItem(key) {
  const x = byId.get(key);
  return h('li', { 'data-testid': `pending-${x.id}` }, h('q', {}, x.text), h('small', {}, `${x.from} · ${x.zone}`),
    h('div', { class: 'row' },
      button('Approve', `approve-${x.id}`, () => act(answer(), { cmd: 'moderate.approve', text: x.id }, `Approved: “${x.text}”`)),
      button('Reject', `reject-${x.id}`, () => act(answer(), { cmd: 'moderate.reject', text: x.id }, `Rejected: “${x.text}”`)),
      button('Mute sender', `mute-text-${x.id}`,
        () => act(answer(), { cmd: 'moderate.mute', participant: x.from, on: true }, `Muted ${x.from}`))));
}

function wallItem(key) {
  const x = byId.get(key);
  return h('li', { 'data-testid': `shown-${x.id}` }, h('q', {}, x.text), h('small', {}, x.from),
    button('Take down', `take-down-${x.id}`, () => act(answer(), { cmd: 'moderate.take_down', text: x.id }, `Taken down: “${x.text}”`)));
}

export function textsPanelRender(live, role) {
  const t = live.texts;
  if (role !== 'operator' || !t) return;	// the artist's live view carries none
  byId = new Map([...t.pending, ...t.wall].map((x) => [`${x.id}`, x]));
  setText($('texts-summary'), `${t.waiting} waiting · ${t.approved} approved · ${t.rejected} rejected · `
    + `${t.filtered} stopped by the word filter`);
  keyedRows($('texts-pending'), t.pending.map((x) => `${x.id}`), pendingItem);
  keyedRows($('texts-wall'), t.wall.map((x) => `${x.id}`), wallItem);
  $('texts-wall').dataset.empty = t.wall.length ? 'no' : 'yes';
}
