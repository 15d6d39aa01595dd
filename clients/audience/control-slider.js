// The slider: a large range control sending its value (throttled by inputs.js), with the
// crowd's median shown as a marker on the same track.

import { h, setText, setHidden, setStyle, setDisabled, formatNumber } from './ui.js';

export function createSlider(ctx) {
  const range = h('input', {
    type: 'range', id: 'slider', 'data-testid': 'slider', min: '0', max: '1', step: '0.01',
    value: '0.5', 'aria-label': 'Your level',
  });
  const myValue = h('b', {}, '–');
  const crowdValue = h('b', { 'data-testid': 'slider-median' }, '–');
  const medianMarker = h('div', { class: 'slider-median', hidden: true, 'aria-hidden': 'true' });
  const el = h('section', { class: 'panel panel-slider', 'aria-label': 'Slider' },
    h('h2', { class: 'panel-title' }, 'Level'),
    h('div', { class: 'slider-track' }, range, medianMarker),
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, myValue, h('span', {}, 'you')),
      h('div', { class: 'stat stat-crowd' }, crowdValue, h('span', {}, 'crowd median'))));

  function fill() {
    setStyle(range, '--v', range.value);
  }
  fill();

  range.addEventListener('input', () => {
    const value = Number(range.value);
    fill();
    setText(myValue, `${Math.round(value * 100)}%`);
    ctx.inputs.setLatest('slider', { value });
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
