// The xy pad: drag a dot around a square; sends the position (throttled by inputs.js) and
// shows where the crowd is: its median (ring) and mean (diamond).

import { h, setHidden, setStyle, setDisabled, isDisabled, clamp01 } from './ui.js';

export function createXY(ctx) {
  const me = h('div', { class: 'xy-marker xy-me', 'data-testid': 'xy-me', hidden: true });
  const median = h('div', { class: 'xy-marker xy-median', 'data-testid': 'xy-median', hidden: true });
  const mean = h('div', { class: 'xy-marker xy-mean', hidden: true });
  const pad = h('div', {
    class: 'xy-pad', id: 'xy-pad', 'data-testid': 'xy-pad', tabindex: '0', role: 'slider',
    'aria-label': 'XY pad: drag, or use the arrow keys', 'aria-valuetext': 'not set',
  }, h('div', { class: 'xy-hint', 'aria-hidden': 'true' }, 'drag here'), mean, median, me);
  const el = h('section', { class: 'panel panel-xy', 'aria-label': 'XY pad' },
    h('h2', { class: 'panel-title' }, 'Move'),
    pad,
    h('div', { class: 'legend' },
      h('span', {}, h('i', { class: 'key key-me' }), 'you'),
      h('span', {}, h('i', { class: 'key key-median' }), 'crowd median'),
      h('span', {}, h('i', { class: 'key key-mean' }), 'mean')));

  let position = null;

  function place(marker, x, y) {
    setStyle(marker, 'left', `${(x * 100).toFixed(2)}%`);
    setStyle(marker, 'top', `${(y * 100).toFixed(2)}%`);
    setHidden(marker, false);
  }

  function moveTo(x, y) {
    position = [clamp01(x), clamp01(y)];
    place(me, ...position);
    pad.classList.add('touched');
    pad.setAttribute('aria-valuetext', `x ${Math.round(position[0] * 100)}%, y ${Math.round(position[1] * 100)}%`);
    ctx.inputs.setLatest('xy', { x: round3(position[0]), y: round3(position[1]) });
  }

  function fromPointer(event) {
    const rect = pad.getBoundingClientRect();
    moveTo((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  }

  pad.addEventListener('pointerdown', (event) => {
    if (isDisabled(pad)) return;
    pad.setPointerCapture(event.pointerId);
    pad.classList.add('dragging');
    fromPointer(event);
  });
  pad.addEventListener('pointermove', (event) => {
    if (pad.hasPointerCapture(event.pointerId) && !isDisabled(pad)) fromPointer(event);
  });
  const release = () => pad.classList.remove('dragging');
  pad.addEventListener('pointerup', release);
  pad.addEventListener('pointercancel', release);
  pad.addEventListener('keydown', (event) => {
    const step = event.shiftKey ? 0.1 : 0.05;
    const [x, y] = position ?? [0.5, 0.5];
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!moves[event.key] || isDisabled(pad)) return;
    event.preventDefault();
    moveTo(x + moves[event.key][0], y + moves[event.key][1]);
  });

  return {
    el,
    update(state, { live = true } = {}) {
      setDisabled(pad, !live);
      if (!live) release();
      const xy = state.crowd?.xy;
      if (isPair(xy?.median)) place(median, ...xy.median); else setHidden(median, true);
      if (isPair(xy?.mean)) place(mean, ...xy.mean); else setHidden(mean, true);
    },
    destroy() {},
  };
}

function isPair(v) {
  return Array.isArray(v) && v.length === 2 && v.every(Number.isFinite);
}

function round3(v) {
  return Math.round(v * 1000) / 1000;
}
