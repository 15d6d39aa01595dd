// The poll panel: the question and its state, the tallies (the console always sees the real
// counts), Open (with an optional timer), Close, Reveal, Veto, Reset (a fresh round: two taps)
// and "Hide results until Reveal"; and a new question asked of every phone until the next cue
// (an ad-hoc poll). Every command names its poll and the cue the console shows, so a veto can
// never land on the next cue's poll.
import { $, confirmButton, h, keyed, setText, toggleShow } from './dom.js';
import { act } from './command.js';

let poll = null;

const pollState = (p) => (p.open ? 'open' : p.vetoed ? 'vetoed' : p.revealed ? 'revealed' : 'closed, held');

// Sends @cmd for the poll on show, with @extra fields; @done says what happened.
function pollAct(cmd, done, extra = {}) {
  if (!poll) return;
  act($('poll-feedback'), { cmd, poll: poll.id, ...extra }, `${done} (${poll.id})`);
}

// A timer field: {} when left empty, else its seconds as duration_s.
function timer(input) {
  const text = input.value.trim();
  return text === '' ? {} : { duration_s: Number(text) };
}

function pollOpen() {
  const extra = timer($('poll-duration'));
  pollAct('poll.open', extra.duration_s === undefined ? 'Opened' : `Opened for ${extra.duration_s} s`, extra);
}

// An ad-hoc poll: the question and its options as typed, one option a line.
async function pollAsk() {
  const question = $('ask-question').value.trim();
  const options = $('ask-options').value.split('\n').map((o) => o.trim()).filter(Boolean);
  const reply = await act($('ask-feedback'), { cmd: 'poll.create', question, options, ...timer($('ask-duration')) },
    `Asked: ${question}`);
  if (reply.ok) for (const id of ['ask-question', 'ask-options', 'ask-duration']) $(id).value = '';
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
  $('ask-button').addEventListener('click', pollAsk);
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
    + (poll.hidden ? 'phones and the stage see no counts until the reveal' : 'phones see the counts live')
    + (live.cue_poll ? ` · the cue's poll “${live.cue_poll.question}” goes on underneath` : '') : '');
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
