// Moderation (the operator's only): act on a participant by the id their phone shows, typed in
// or picked from the roster of who acted lately; the muted, with Unmute, and the removed, with
// Restore. Remove takes two taps.
//
// The roster changes four times a second while a crowd plays, so it never rebuilds: each row is
// made once per id and kept (keyedRows), new ids go at the bottom, and while a pointer is over
// the roster, a finger touched it in the last few seconds, a Remove is armed or an answer is
// still shown, nothing is added or taken away. What you aim at stays where it is.
import { $, button, confirmButton, feedback, feedbackShown, h, keyedRows, setText } from './dom.js';
import { act, feedbackShow } from './command.js';

const TOUCH_HOLD_MS = 4000;
const ID = /^p-[0-9a-f]{8}$/;

let pointerOver = false;
let touchedAt = -Infinity;
let sanctions = { muted: [], removed: [] };
let recent = [];

const inUse = (row) => row.querySelector('[data-armed]') !== null || feedbackShown(row);
const isMuted = (id) => sanctions.muted.includes(id);

const mute = (answer, id, on) => act(answer, { cmd: 'moderate.mute', participant: id, on }, `${on ? 'Muted' : 'Unmuted'} ${id}`);
const remove = (answer, id) => act(answer, { cmd: 'moderate.kick', participant: id }, `Removed ${id}`);
const restore = (answer, id) => act(answer, { cmd: 'moderate.readmit', participant: id }, `Restored ${id}: the phone may join again`);

// A row of a list: the id, the list's buttons, and the answer to the last of them.
function row(id, ...buttons) {
  return h('li', { 'data-testid': `row-${id}` }, h('span', { class: 'who' }, h('code', {}, id), h('span', { class: 'tag' })),
    ...buttons);
}

function rosterRow(id) {
  const answer = feedback(`answer-${id}`);
  const muteButton = button('Mute', `mute-${id}`, () => mute(answer, id, !isMuted(id)));
  muteButton.classList.add('mute');
  return row(id, muteButton, confirmButton('Remove', `kick-${id}`, () => remove(answer, id)), answer);
}

const mutedRow = (id) => {
  const answer = feedback(`answer-muted-${id}`);
  return row(id, button('Unmute', `unmute-${id}`, () => mute(answer, id, false)), answer);
};

const removedRow = (id) => {
  const answer = feedback(`answer-removed-${id}`);
  return row(id, button('Restore', `restore-${id}`, () => restore(answer, id)), answer);
};

// The id typed in, as the daemon spells it ("1A2B3C4D" and "p-1a2b3c4d" alike), or null.
function typedId() {
  const text = $('find').value.trim().toLowerCase();
  const id = text.startsWith('p-') ? text : `p-${text}`;
  return ID.test(id) ? id : null;
}

function onTyped(action) {
  const id = typedId();
  if (id) action(id);
  else feedbackShow($('find-feedback'), 'bad', '✗ Type the id as the phone shows it: p- and 8 letters or digits.');
}

function findStatus() {
  const id = typedId();
  if (!id) return $('find').value.trim() ? 'Not an id yet: p- and 8 letters or digits (0-9, a-f).' : '';
  const known = [recent.includes(id) && 'acted lately', isMuted(id) && 'muted',
    sanctions.removed.includes(id) && 'removed'].filter(Boolean);
  return `${id}: ${known.length ? known.join(', ') : 'not seen lately (the show controller says if it does not know it)'}`;
}

export function moderationPanelInit() {
  const answer = $('find-feedback');
  $('find-actions').append(
    button('Mute', 'find-mute', () => onTyped((id) => mute(answer, id, true))),
    button('Unmute', 'find-unmute', () => onTyped((id) => mute(answer, id, false))),
    confirmButton('Remove', 'find-kick', () => onTyped((id) => remove(answer, id))),
    button('Restore', 'find-restore', () => onTyped((id) => restore(answer, id))));
  $('find-form').addEventListener('submit', (event) => event.preventDefault());
  $('find').addEventListener('input', () => setText($('find-status'), findStatus()));
  const roster = $('recent');
  roster.addEventListener('pointerenter', () => { pointerOver = true; });
  roster.addEventListener('pointerleave', () => { pointerOver = false; });
  roster.addEventListener('pointerdown', () => { touchedAt = performance.now(); });
  roster.addEventListener('focusin', () => { touchedAt = performance.now(); });
}

// Lists @ids in @list with rows made by @make; a row being acted on stays until its answer
// fades. @tagged: rows say "muted" (not in the muted list itself).
function listRender(list, ids, make, { still = false, tagged = true } = {}) {
  const rows = keyedRows(list, still ? [...list.children].map((r) => r.dataset.id) : ids, make, inUse);
  for (const [id, r] of rows) {
    r.classList.toggle('gone', !ids.includes(id));
    setText(r.querySelector('.tag'), tagged && isMuted(id) ? 'muted' : '');
    const muteButton = r.querySelector('button.mute');
    if (muteButton) {
      muteButton.setAttribute('aria-pressed', String(isMuted(id)));
      setText(muteButton, isMuted(id) ? 'Unmute' : 'Mute');
    }
  }
}

export function moderationPanelRender(live, role) {
  if (role !== 'operator') return;
  ({ recent } = live);
  sanctions = live.sanctions;
  const roster = $('recent');
  const still = pointerOver || performance.now() - touchedAt < TOUCH_HOLD_MS || [...roster.children].some(inUse);
  $('roster-paused').hidden = !still;
  listRender(roster, recent, rosterRow, { still });
  listRender($('muted'), sanctions.muted, mutedRow, { tagged: false });
  listRender($('removed'), sanctions.removed, removedRow);
  setText($('muted-count'), String(sanctions.muted_count));
  setText($('removed-count'), String(sanctions.removed_count));
  if (document.activeElement === $('find') || $('find').value) setText($('find-status'), findStatus());
}
