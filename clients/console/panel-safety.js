// The venue's safety: the banner in the top bar (both roles: whoever runs the show must know the
// PA is faded or the screen black), and the operator's panel: fade, blackout and freeze
// toggles that say their state in words and aria-pressed, the output ceiling, the flash
// policy, the curfew countdown, and the end of the show (two taps: phones then turn to their
// recap). Esc is the panic: it fades to silence and never lifts it.
import { $, clock, confirmButton, setText, toggleShow } from './dom.js';
import { act } from './command.js';

let safety = null;

// What the banner says for each switch that is on, in the order a show caller needs it.
const BANNER = [
  ['fade_to_silence', 'FADE TO SILENCE is on: the PA is silent'],
  ['blackout', 'BLACKOUT is on: the stage screen is black'],
  ['freeze', 'CROWD FROZEN: phones only listen'],
];

export function safetyPanic() {
  act($('show-feedback'), { cmd: 'safety.fade', on: true }, 'Panic: fade to silence is on');
}

export function safetyPanelInit() {
  for (const b of document.querySelectorAll('[data-toggle]')) {
    b.addEventListener('click', () => {
      const on = !safety?.[b.dataset.key];
      act($('safety-feedback'), { cmd: b.dataset.toggle, on }, `${b.dataset.name}: ${on ? 'ON' : 'off'}`);
    });
  }
  $('ceiling').addEventListener('change', (event) => act($('limits-feedback'),
    { cmd: 'safety.ceiling', dbfs: Number(event.target.value) }, `Ceiling ${event.target.value} dBFS`));
  $('flash-policy').addEventListener('change', (event) => act($('limits-feedback'),
    { cmd: 'safety.flash_policy', max_per_s: Number(event.target.value) }, `At most ${event.target.value} flashes a second`));
  // Two taps, like every destructive action: nothing starts the show again.
  $('end-show-slot').replaceWith(confirmButton('End the show', 'end-show', () => act($('end-show-feedback'),
    { cmd: 'show.end' }, 'The show is over: phones show their recap')));
}

function bannerRender() {
  const parts = BANNER.filter(([key]) => safety[key]).map(([, words]) => words);
  if (safety.curfew_in_s >= 0) parts.push(`Curfew in ${clock(safety.curfew_in_s)}`);
  const banner = $('safety-banner');
  banner.hidden = parts.length === 0;
  banner.classList.toggle('severe', safety.fade_to_silence || safety.blackout);
  setText(banner, parts.length ? `⚠ ${parts.join(' · ')}` : '');
}

export function safetyPanelRender(live) {
  safety = live.safety;
  bannerRender();
  for (const b of document.querySelectorAll('[data-toggle]')) toggleShow(b, Boolean(safety[b.dataset.key]), b.dataset.name);
  const ceiling = $('ceiling');
  if (document.activeElement !== ceiling) ceiling.value = String(safety.ceiling_dbfs);
  const policy = $('flash-policy');
  if (document.activeElement !== policy) policy.value = String(safety.max_flashes_per_s);
  setText($('curfew'), safety.curfew_in_s >= 0 ? `Curfew in ${Math.ceil(safety.curfew_in_s / 60)} min` : 'No curfew set.');
}
