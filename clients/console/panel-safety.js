// The venue's safety panel (the operator's only): fade, blackout and freeze toggles, the output
// ceiling, the flash policy, and the curfew countdown.
import { $ } from './dom.js';
import { send } from './link.js';

let safety = null;

export function safetyPanelInit() {
  for (const b of document.querySelectorAll('[data-toggle]')) {
    b.addEventListener('click', () => send({ cmd: b.dataset.toggle, on: !safety?.[b.dataset.key] }));
  }
  $('ceiling').addEventListener('change', (event) => send({ cmd: 'safety.ceiling', dbfs: Number(event.target.value) }));
  $('flash-policy').addEventListener('change', (event) => {
    send({ cmd: 'safety.flash_policy', max_per_s: Number(event.target.value) });
  });
}

export function safetyPanelRender(live, role) {
  safety = live.safety;
  $('safety').hidden = role !== 'operator';
  for (const b of document.querySelectorAll('[data-toggle]')) b.classList.toggle('on', Boolean(safety[b.dataset.key]));
  const ceiling = $('ceiling');
  if (document.activeElement !== ceiling) ceiling.value = String(safety.ceiling_dbfs);
  const policy = $('flash-policy');
  if (document.activeElement !== policy) policy.value = String(safety.max_flashes_per_s);
  $('curfew').textContent = safety.curfew_in_s >= 0 ? `Curfew in ${Math.ceil(safety.curfew_in_s / 60)} min` : '';
}
