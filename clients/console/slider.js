// One slider row of the mix and artist panels: its name in words, its value in its unit, the
// slider, Reset back to the configured value, and the answer to the last move.
import { button, feedback, h, setText } from './dom.js';

// @name: the label; @testid: the slider's; @show(x): the value shown for slider position x
// while it is dragged; @onSet(x) and @onReset(): what moving it and Reset send (each gets the
// row's feedback line). Returns the row, with .input and .value.
export function sliderRow({ name, testid, step, show, onSet, onReset }) {
  const input = h('input', { type: 'range', min: 0, max: 1, step, id: testid, 'data-testid': testid });
  const value = h('output', { class: 'value', for: testid, 'data-testid': `${testid}-value` });
  const answer = feedback(`${testid}-feedback`);
  input.addEventListener('input', () => setText(value, show(Number(input.value))));
  input.addEventListener('change', () => onSet(Number(input.value), answer));
  const reset = button('Reset', `${testid}-reset`, () => onReset(answer));
  const row = h('div', { class: 'slider' }, h('label', { for: testid }, name), value, input, reset, answer);
  row.input = input;
  row.value = value;
  row.reset = reset;
  return row;
}

// Redraws @row from the live view unless a finger or the keyboard is on its slider.
export function sliderRowUpdate(row, position, text, resetTitle) {
  row.reset.title = resetTitle;
  if (document.activeElement === row.input) return;
  row.input.value = String(position);
  setText(row.value, text);
}
