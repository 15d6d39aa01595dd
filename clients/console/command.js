// Commands to the daemon, each answered next to the control that sent it: "Sending…", then
// "✓ GO" (which fades) or "✗ Not done: " and the daemon's reason in words (which stays).
import { linkSend } from './link.js';

// Commands that act on the cue the console shows (its GO, its poll, its mix and sound) carry
// that cue as expect_cue: when an auto-follow or another console moved the show on first, the
// daemon refuses them (cue_moved) rather than skip a cue or veto the next cue's poll. The
// venue's safety, moderation and alarms do not depend on the cue and never carry it: a panic
// must not be refused because the show moved on at the same moment.
const ACTS_ON_THE_CUE = /^(cue|poll|mix|artist)\./;
const DONE_SHOWN_MS = 4000;
const REFUSAL_SHOWN_MS = 30000;

let shownCue = null;
const clearTimers = new WeakMap();

// The id of the cue the console shows now.
export function commandCueShown(id) {
  shownCue = id;
}

// Shows @text in the feedback line @el; @kind is 'pending', 'ok' or 'bad'.
export function feedbackShow(el, kind, text) {
  clearTimeout(clearTimers.get(el));
  el.textContent = text;
  el.dataset.kind = kind;
  if (kind === 'pending') return;
  clearTimers.set(el, setTimeout(() => { el.textContent = ''; delete el.dataset.kind; },
    kind === 'ok' ? DONE_SHOWN_MS : REFUSAL_SHOWN_MS));
}

// Sends @command and shows its answer in @el: "✓ @done", or the refusal in words. Resolves to the reply.
export async function act(el, command, done) {
  const sent = ACTS_ON_THE_CUE.test(command.cmd) && shownCue ? { ...command, expect_cue: shownCue } : command;
  feedbackShow(el, 'pending', 'Sending…');
  const reply = await linkSend(sent);
  feedbackShow(el, reply.ok ? 'ok' : 'bad', reply.ok ? `✓ ${done}` : `✗ Not done: ${reply.message}`);
  return reply;
}
