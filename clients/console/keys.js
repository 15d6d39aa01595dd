// Keyboard shortcuts for the show caller, as the legend in the top bar says:
//   Space  GO                 B  Back
//   H      Hold / Resume      Esc  Fade to silence (the operator's panic; never lifts it)
// None fires while typing in a field, with a modifier held, or from a held-down key's repeats.
import { $ } from './dom.js';

// Fields where a key is text, not a command (a slider is not one: Space there is GO).
const TYPING = 'input:not([type=range]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]';

const isTyping = (event) => event.target instanceof Element && event.target.closest(TYPING) !== null;
const keyName = (event) => (event.key === ' ' ? 'Space' : event.key.length === 1 ? event.key.toLowerCase() : event.key);

// @actions maps a key name ('Space', 'b', 'h', 'Escape') to what it does.
export function keysInit(actions) {
  document.addEventListener('keydown', (event) => {
    if ($('desk').hidden || event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
    const action = actions[keyName(event)];
    if (!action) return;
    // Space must not also press the focused button or scroll the page.
    event.preventDefault();
    if (!event.repeat) action();
  });
  // Some browsers press a focused button on Space's keyup even when its keydown was taken: it was GO.
  document.addEventListener('keyup', (event) => {
    if (!$('desk').hidden && event.key === ' ' && !isTyping(event)) event.preventDefault();
  });
}
