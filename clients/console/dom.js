// The console's DOM helpers, shared by every panel. Elements are made with the phone app's
// h() (served from the phone page's folder at /ui.js), so both apps build their pages one way.
import { h } from '/ui.js';

export { h };
export const $ = (id) => document.getElementById(id);

// Sets @el's text only when it changed: the live view comes four times a second, and an
// unchanged node keeps its selection and is not announced again by a screen reader.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// Rebuilds @list only when @key changed: the live view comes four times a second, and a list
// rebuilt under a finger loses the tap (a tablet's touch takes longer than a mouse click).
export function keyed(list, key, build) {
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...build());
}

// Keeps one child of @list per id of @ids, made once by @make(id) and never rebuilt, so a row
// under a finger stays the same element (an armed button stays armed). New ids go at the end,
// so rows never move down under a finger; a row whose id left stays while @keep(row) says it is
// in use (an armed button, an answer still shown). Returns the rows by id.
export function keyedRows(list, ids, make, keep = () => false) {
  const rows = new Map([...list.children].map((row) => [row.dataset.id, row]));
  const wanted = new Set(ids);
  for (const [id, row] of rows) {
    if (!wanted.has(id) && !keep(row)) { row.remove(); rows.delete(id); }
  }
  for (const id of ids) {
    if (rows.has(id)) continue;
    const row = make(id);
    row.dataset.id = id;
    list.append(row);
    rows.set(id, row);
  }
  return rows;
}

export function button(text, testid, onClick) {
  return h('button', { type: 'button', 'data-testid': testid, onclick: onClick }, text);
}

// A destructive action takes two taps: the first arms it for three seconds (data-armed while
// armed, so a list can keep the row still), the second does it.
export function confirmButton(text, testid, onConfirm) {
  let armedUntil = 0;
  const disarm = () => { armedUntil = 0; b.textContent = text; delete b.dataset.armed; };
  const b = button(text, testid, () => {
    if (performance.now() < armedUntil) { disarm(); onConfirm(); return; }
    armedUntil = performance.now() + 3000;
    b.dataset.armed = '';
    b.textContent = `${text}? Tap again`;
    setTimeout(() => { if (armedUntil && performance.now() >= armedUntil) disarm(); }, 3100);
  });
  return b;
}

// A toggle's state in words and in aria-pressed, never by its colour alone:
// "Blackout: ON" pressed, "Blackout: off" not.
export function toggleShow(b, on, name) {
  b.setAttribute('aria-pressed', String(on));
  b.classList.toggle('on', on);
  setText(b, `${name}: ${on ? 'ON' : 'off'}`);
}

// A feedback line next to a control (an <output>).
export const feedback = (testid) => h('output', { class: 'feedback', 'data-testid': testid, 'aria-live': 'polite' });

// Whether a feedback line still shows an answer (a row keeps its place while it does).
export const feedbackShown = (row) => Boolean(row.querySelector('.feedback[data-kind]'));

// A linear level (0..1) as dBFS for a person.
export const dbfs = (v) => (v > 1e-5 ? `${(20 * Math.log10(v)).toFixed(1)} dBFS` : 'silence');

// Seconds as m:ss, for countdowns.
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// The wall-clock time of @date as HH:MM:SS.
export const timeOfDay = (date) => date.toLocaleTimeString('en-GB', { hour12: false });
