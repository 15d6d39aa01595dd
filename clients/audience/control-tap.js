// The tap control: one big button. Every press sends a tap input, pulses, and counts
// toward "your taps"; the panel also shows the crowd's taps per second and tempo.

import { h, setText, setHidden, setDisabled, replayClass, formatNumber, prefersReducedMotion } from './ui.js';
import { load, save } from './storage.js';

export function createTap(ctx) {
  const myTaps = h('b', { id: 'my-taps', 'data-testid': 'my-taps' }, '0');
  const crowdTaps = h('b', { id: 'crowd-taps', 'data-testid': 'crowd-taps' }, '0');
  const tempo = h('b', { id: 'crowd-tempo', 'data-testid': 'crowd-tempo' }, '–');
  const tempoStat = h('div', { class: 'stat', hidden: true }, tempo, h('span', {}, 'crowd BPM'));
  const button = h('button', {
    type: 'button', id: 'tap-button', class: 'tap-button', 'data-testid': 'tap-button',
    'aria-label': 'Tap along',
  }, h('span', { class: 'tap-label', 'aria-hidden': 'true' }, 'TAP'));

  const el = h('section', { class: 'panel panel-tap', 'aria-label': 'Tap' },
    button,
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, myTaps, h('span', {}, 'your taps')),
      h('div', { class: 'stat' }, crowdTaps, h('span', {}, 'crowd taps/s')),
      tempoStat));

  // The count belongs to the participant, so it survives a reload but not a new identity.
  let stored = load('taps', null);
  let count = stored && stored.id === ctx.participantId() ? stored.count : 0;
  setText(myTaps, count);

  function press(event) {
    if (button.disabled) return; // the show is out of reach: the page says so
    if (!ctx.inputs.tap()) {
      ctx.toast(ctx.connected() ? 'Easy! Too fast' : 'Reconnecting… your tap was not sent');
      return;
    }
    count += 1;
    setText(myTaps, count);
    save('taps', { id: ctx.participantId(), count });
    feedback(event);
  }

  function feedback(event) {
    if (prefersReducedMotion()) {
      button.classList.add('hit');
      setTimeout(() => button.classList.remove('hit'), 120);
      return;
    }
    replayClass(button, 'pulse');
    const rect = button.getBoundingClientRect();
    const x = event?.clientX ? event.clientX - rect.left : rect.width / 2;
    const y = event?.clientY ? event.clientY - rect.top : rect.height / 2;
    const ripple = h('span', { class: 'ripple', style: `left:${x}px;top:${y}px` });
    ripple.addEventListener('animationend', () => ripple.remove());
    button.append(ripple);
  }

  // pointerdown fires before click and without its delay; keyboards still work through keydown.
  button.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    press(event);
  });
  button.addEventListener('keydown', (event) => {
    if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) {
      event.preventDefault();
      press(null);
    }
  });
  button.addEventListener('contextmenu', (event) => event.preventDefault());

  return {
    el,
    update(state, { live = true } = {}) {
      setDisabled(button, !live);
      setText(crowdTaps, formatNumber(state.crowd?.taps_per_s, 1));
      const bpm = state.crowd?.tempo_bpm;
      setHidden(tempoStat, !Number.isFinite(bpm));
      if (Number.isFinite(bpm)) setText(tempo, formatNumber(bpm));
    },
    destroy() {},
  };
}
