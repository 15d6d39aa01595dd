// The vote control: the poll's question, one big button per option with its live tally as a
// bar, your choice highlighted, a countdown to closes_at, and the winner once voting closes.
// While the venue holds the counts back for the reveal (poll.hidden) it shows none. While the
// show is out of reach, voting is off and the countdown paused; a vote the daemon has not
// acknowledged yet is shown as waiting to go in, never as counted.
// Also used read-only to show a closed poll's result when the cue has no vote control.

import { h, setText, setHidden, setStyle, formatCountdown } from './ui.js';

// A poll's identity on screen: a new round, or new options under the same id, builds it afresh.
function keyOf(poll) {
  return `${poll.id}|${poll.round ?? 0}|${poll.options.join('\u0000')}`;
}

export function createVote(ctx) {
  const question = h('h2', { class: 'poll-question', id: 'poll-question', 'data-testid': 'poll-question' });
  const countdown = h('span', { class: 'poll-countdown', 'data-testid': 'poll-countdown', hidden: true });
  const status = h('p', { class: 'poll-status', 'data-testid': 'poll-status', 'aria-live': 'polite' });
  const list = h('div', { class: 'vote-options', role: 'group' });
  const el = h('section', { class: 'panel panel-vote', 'aria-label': 'Vote' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'Vote'), countdown),
    question, list, status);

  let pollKey = '';
  let options = []; // { button, bar, count }

  function build(poll) {
    pollKey = keyOf(poll);
    setText(question, poll.question);
    list.setAttribute('aria-label', poll.question);
    list.replaceChildren();
    options = poll.options.map((label, index) => {
      const bar = h('span', { class: 'vote-bar', 'aria-hidden': 'true' });
      const count = h('span', { class: 'vote-count', 'data-testid': `vote-count-${index}` }, '0');
      const mark = h('span', { class: 'vote-mark', 'aria-hidden': 'true' });
      const button = h('button', {
        type: 'button', class: 'vote-option', 'data-testid': `vote-option-${index}`,
        'aria-pressed': 'false',
        onclick: () => {
          if (button.getAttribute('aria-disabled') === 'true') return;
          ctx.vote(poll.id, index);
        },
      }, bar, mark, h('span', { class: 'vote-label' }, label), count);
      list.append(button);
      return { button, bar, count };
    });
  }

  return {
    el,
    update(state, { readOnly = false, live = true } = {}) {
      const poll = state.poll;
      setHidden(list, !poll);
      if (!poll) {
        setText(question, 'No vote right now');
        setText(status, 'Stay tuned.');
        setHidden(countdown, true);
        return;
      }
      if (keyOf(poll) !== pollKey) build(poll);

      const mine = ctx.myVote(poll.id);
      const tallies = Array.isArray(poll.tallies) ? poll.tallies : [];
      const top = Math.max(1, ...tallies);
      const locked = !poll.open || readOnly || !live;
      const waiting = !live && ctx.voteWaiting(poll.id); // sent again once the show is back
      options.forEach(({ button, bar, count }, index) => {
        const n = Number.isFinite(tallies[index]) ? tallies[index] : 0;
        setText(count, poll.hidden ? '' : n);
        setStyle(bar, '--share', poll.hidden ? '0' : (n / top).toFixed(3));
        const chosen = mine === index;
        if (button.getAttribute('aria-pressed') !== String(chosen)) button.setAttribute('aria-pressed', String(chosen));
        button.classList.toggle('winner', !poll.open && poll.winner === index);
        button.setAttribute('aria-disabled', String(locked));
        button.classList.toggle('waiting', waiting && chosen);
      });

      const closesIn = Number.isFinite(poll.closes_at) && ctx.clock.now() !== null
        ? poll.closes_at - ctx.clock.now() : null;
      setHidden(countdown, !(poll.open && closesIn !== null));
      if (poll.open && closesIn !== null) setText(countdown, live ? `closes in ${formatCountdown(closesIn)}` : 'closing: paused');

      const total = Number.isFinite(poll.total) ? poll.total : tallies.reduce((a, b) => a + b, 0);
      const votes = poll.hidden ? 'results at the reveal' : `${total} vote${total === 1 ? '' : 's'}`;
      if (!poll.open) {
        const winner = Number.isInteger(poll.winner) ? poll.options[poll.winner] : null;
        setText(status, winner ? `Voting closed · ${winner} wins · ${votes}` : `Voting closed · ${votes}`);
        el.classList.add('closed');
      } else if (!live) {
        el.classList.remove('closed');
        setText(status, waiting ? 'Your vote is saved: it goes in when the show is back'
          : `Voting resumes when the show is back · ${votes}`);
      } else {
        el.classList.remove('closed');
        setText(status, readOnly ? votes
          : mine === undefined ? `Tap an option · ${votes}` : `You can change your mind until it closes · ${votes}`);
      }
    },
    destroy() {},
  };
}
