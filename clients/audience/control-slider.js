// The slider: a large range control sending its value (throttled by inputs.js), with the
// crowd's median shown as a marker on the same track. Until the person touches it, it shows no
// value of theirs (no thumb, no fill, "you –"): a thumb resting at 50 % would read as a choice
// they never made. The crowd's median shows all along.

import { h, setText, setHidden, setStyle, setDisabled, formatNumber } from './ui.js';

export function createSlider(ctx) {
  const range = h('input', {
    type: 'range', id: 'slider', 'data-testid': 'slider', min: '0', max: '1', step: '0.01',
    value: '0.5', 'aria-label': 'Your level', 'aria-valuetext': 'not set',
  });
  const myValue = h('b', { 'data-testid': 'slider-mine' }, '–');
  const crowdValue = h('b', { 'data-testid': 'slider-median' }, '–');
  const medianMarker = h('div', { class: 'slider-median', hidden: true, 'aria-hidden': 'true' });
  const hint = h('p', { class: 'hint slider-hint' }, 'Touch the bar to set your level.');
  const track = h('div', { class: 'slider-track untouched' }, range, medianMarker);
  const el = h('section', { class: 'panel panel-slider', 'aria-label': 'Slider' },
    h('h2', { class: 'panel-title' }, 'Level'),
    track, hint,
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, myValue, h('span', {}, 'you')),
      h('div', { class: 'stat stat-crowd' }, crowdValue, h('span', {}, 'crowd median'))));

  let touched = false;

  function set() {
    const value = Number(range.value);
    if (!touched) {
      touched = true;
      track.classList.remove('untouched');
      range.dataset.touched = 'true';
      setHidden(hint, true);
    }
    setStyle(range, '--v', range.value);
    setText(myValue, `${Math.round(value * 100)}%`);
    range.setAttribute('aria-valuetext', `${Math.round(value * 100)}%`);
    ctx.inputs.setLatest('slider', { value });
  }

  range.addEventListener('input', set);
  // A first touch right where the hidden thumb rests changes no value, so fires no input.
  range.addEventListener('pointerup', () => {
    if (!touched && !range.disabled) set();
  });

  return {
    el,
    update(state, { live = true } = {}) {
      setDisabled(range, !live);
      const m = state.crowd?.slider?.median;
      const known = Number.isFinite(m);
      setHidden(medianMarker, !known);
      setText(crowdValue, known ? `${formatNumber(m * 100)}%` : '–');
      if (known) setStyle(medianMarker, '--m', m.toFixed(3));
    },
    destroy() {},
  };
}
