// The console's DOM helpers, shared by every panel. Elements are made with the phone app's
// h() (served from the phone page's folder at /ui.js), so both apps build their pages one way.
import { h } from '/ui.js';

export { h };
export const $ = (id) => document.getElementById(id);

// Rebuilds @list only when @key changed: the live view comes four times a second, and a list
// rebuilt under a finger loses the tap (a tablet's touch takes longer than a mouse click).
export function keyed(list, key, build) {
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...build());
}

export function button(text, testid, onClick) {
  return h('button', { type: 'button', 'data-testid': testid, onclick: onClick }, text);
}

// A destructive action takes two taps: the first arms it for three seconds.
export function confirmButton(text, testid, onConfirm) {
  let armedUntil = 0;
  const b = button(text, testid, () => {
    if (performance.now() < armedUntil) { armedUntil = 0; b.textContent = text; onConfirm(); return; }
    armedUntil = performance.now() + 3000;
    b.textContent = `${text}? Tap again`;
    setTimeout(() => { if (armedUntil && performance.now() >= armedUntil) b.textContent = text; }, 3100);
  });
  return b;
}

// A linear level (0..1) as dBFS for a person.
export const dbfs = (v) => (v > 1e-5 ? `${(20 * Math.log10(v)).toFixed(1)} dBFS` : 'silence');
