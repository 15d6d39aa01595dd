// The show caller's bar and the cue list: the current cue, the standby cue (where GO goes), the
// countdown to the auto-follow with Hold / Resume, Back and GO; every answer shows under GO.
// The cue list jumps on a second tap, so a stray touch never moves the show.
import { $, clock, confirmButton, h, keyed, setText } from './dom.js';
import { act } from './command.js';

const COUNTDOWN_EVERY_MS = 200;

// The auto-follow as the last live view gave it: seconds left when it came, and when it came.
let follow = { left: null, at: 0, held: false, to: null };
let stale = false;
let cues = [];

const feedbackEl = () => $('show-feedback');
const cueName = (index) => `${index + 1}. ${cues[index]?.title || cues[index]?.id || '?'}`;

export const showGo = () => act(feedbackEl(), { cmd: 'cue.go' }, 'GO');
export const showBack = () => act(feedbackEl(), { cmd: 'cue.back' }, 'Back');

export function showHoldToggle() {
  if (follow.held) act(feedbackEl(), { cmd: 'cue.resume' }, 'Resumed: the auto-follow counts down again');
  else act(feedbackEl(), { cmd: 'cue.hold' }, 'Held: the auto-follow waits');
}

export function showPanelInit() {
  $('go').addEventListener('click', showGo);
  $('back').addEventListener('click', showBack);
  $('hold').addEventListener('click', showHoldToggle);
  setInterval(countdownDraw, COUNTDOWN_EVERY_MS);
}

// While the link is not live the countdown stands still: a clock that runs on would claim
// to know the show.
export function showPanelStale(on) {
  stale = on;
  countdownDraw();
}

function countdownDraw() {
  const el = $('follow');
  const hold = $('hold');
  el.parentElement.classList.toggle('held', follow.held);
  hold.disabled = follow.left === null;
  hold.setAttribute('aria-pressed', String(follow.held));
  setText(hold, follow.held ? 'Resume' : 'Hold');
  if (follow.left === null) { setText(el, 'none: waits for GO'); return; }
  const left = follow.held || stale ? follow.left : follow.left - (performance.now() - follow.at) / 1000;
  setText(el, `${follow.held ? 'HELD at' : 'in'} ${clock(left)} → ${follow.to}`);
}

export function showPanelRender(live) {
  cues = live.cues;
  const { cue, standby } = live;
  setText($('current-cue'), cueName(cue.index));
  setText($('current-scene'), cue.scene);
  // GO goes to the next cue in the list; the auto-follow may go elsewhere (a loop back).
  setText($('standby'), cue.index + 1 < cues.length ? cueName(cue.index + 1) : 'none: the last cue');
  follow = { left: cue.follow_in_s, at: performance.now(), held: cue.held, to: standby ? cueName(standby.index) : '?' };
  countdownDraw();
  keyed($('cues'), JSON.stringify([cues, cue.index]), () => cues.map((c, i) => {
    const jump = confirmButton(cueName(i), `cue-${c.id}`,
      () => act($('cues-feedback'), { cmd: 'cue.jump', cue: c.id }, `Jumped to ${cueName(i)}`));
    if (i === cue.index) jump.setAttribute('aria-current', 'step');
    const mark = i === cue.index ? 'now' : i === cue.index + 1 ? 'standby' : '';
    return h('li', { class: mark }, jump, mark ? h('span', { class: 'mark' }, mark) : null);
  }));
}
