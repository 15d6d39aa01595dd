// The poll panel: the question and its state, the tallies, and open / close / reveal / veto.
import { $, h } from './dom.js';
import { send } from './link.js';

export function pollPanelInit() {
  for (const b of document.querySelectorAll('[data-cmd]')) {
    b.addEventListener('click', () => send({ cmd: b.dataset.cmd }));
  }
}

const pollState = (poll) => (poll.open ? 'open' : poll.vetoed ? 'vetoed' : poll.revealed ? 'revealed' : 'closed, held');

export function pollPanelRender(live) {
  const { poll } = live;
  $('poll-question').textContent = poll ? `${poll.question} — ${pollState(poll)}` : 'No poll in this cue';
  $('poll-tallies').replaceChildren(...(poll ? poll.options.map((option, i) => h('li', { 'data-testid': `tally-${i}` },
    h('span', {}, option + (poll.winner === i ? ' ★' : '')), h('b', {}, String(poll.tallies[i])))) : []));
}
