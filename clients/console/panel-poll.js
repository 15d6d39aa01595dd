// The poll panel: the question and its state, the tallies (the console always sees the real
// counts), Open (with an optional timer), Close, Reveal, Veto, Reset (a fresh round: two taps)
// and "Hide results until Reveal". Every command names its poll and the cue the console shows,
// so a veto can never land on the next cue's poll.
import { $, confirmButton, h, keyed, setText, toggleShow } from './dom.js';
import { act } from './command.js';

let poll = null;

const pollState = (p) => (p.open ? 'open' : p.vetoed ? 'vetoed' : p.revealed ? 'revealed' : 'closed, held');

// Sends @cmd for the poll on show, with @extra fields; @done says what happened.
function pollAct(cmd, done, extra = {}) {
  if (!poll) return;
  act($('poll-feedback'), { cmd, poll: poll.id, ...extra }, `${done} (${poll.id})`);
}

function pollOpen() {
  const duration = $('poll-duration').value.trim();
  const extra = duration === '' ? {} : { duration_s: Number(duration) };
  pollAct('poll.open', duration === '' ? 'Opened' : `Opened for ${Number(duration)} s`, extra);
}

export function pollPanelInit() {
  $('poll-open').addEventListener('click', pollOpen);
  $('poll-close').addEventListener('click', () => pollAct('poll.close', 'Closed: the result is held for the reveal'));
  $('poll-reveal').addEventListener('click', () => pollAct('poll.reveal', 'Revealed'));
  $('poll-veto').addEventListener('click', () => pollAct('poll.veto', 'Vetoed: the cue plays its default'));
  $('poll-hide').addEventListener('click', () => {
    const on = !poll?.hidden;
    pollAct('poll.hide', on ? 'Results hidden until the reveal' : 'Results shown live', { on });
  });
  $('poll-reset-slot').replaceWith(confirmButton('Reset', 'poll-reset',
    () => pollAct('poll.reset', 'Reset: every vote is gone; Open runs it again')));
}

export function pollPanelRender(live) {
  poll = live.poll;
  for (const id of ['poll-open', 'poll-close', 'poll-reveal', 'poll-veto', 'poll-hide', 'poll-reset']) {
    document.querySelector(`[data-testid="${id}"]`).disabled = !poll;
  }
  $('poll-name').hidden = !poll;
  setText($('poll-name'), poll ? `${poll.adhoc ? 'ad-hoc ' : ''}${poll.id}` : '');
  setText($('poll-question'), poll ? `${poll.question} — ${pollState(poll)}` : 'No poll in this cue');
  setText($('poll-status'), poll ? `Round ${poll.round + 1} · ${poll.total} vote${poll.total === 1 ? '' : 's'} · `
    + (poll.hidden ? 'phones and the stage see no counts until the reveal' : 'phones see the counts live') : '');
  toggleShow($('poll-hide'), Boolean(poll?.hidden), 'Hide results until Reveal');
  const tallies = $('poll-tallies');
  if (!poll) { tallies.replaceChildren(); delete tallies.dataset.key; return; }
  keyed(tallies, JSON.stringify([poll.id, poll.options, poll.winner]), () => poll.options.map((option, i) => h('li',
    { 'data-testid': `tally-${i}` }, h('span', {}, option + (poll.winner === i ? ' ★' : '')), h('b'), h('i', { class: 'share' }))));
  poll.tallies.forEach((n, i) => {
    const li = tallies.children[i];
    setText(li.querySelector('b'), String(n));
    li.querySelector('.share').style.width = `${poll.total ? (100 * n) / poll.total : 0}%`;
  });
}
