// The text control: a short message for the stage screen. It goes to the venue's moderators
// first; the panel says where it stands (sending, waiting for the moderators, on the screen,
// not shown) and counts down until the next one may go (welcome.limits.text_interval_s).
// The draft survives state updates and reconnects within the cue. A verdict on a message sent in
// an earlier cue, shown as a toast when it came, is said again by the next text panel.

import { h, setText, setHidden, setDisabled } from './ui.js';

const TEXT_ERRORS = {
  too_soon: null, // the daemon's message says how long to wait
  text_refused: "That message can't go on the screen. Try saying it another way.",
  queue_full: 'Lots of messages are waiting. Try again in a minute.',
  control_disabled: 'Messages are closed right now.',
  muted: 'The venue has paused your messages.',
};

const chars = (s) => [...s].length; // characters as the daemon counts them (code points)

// The moderators' verdict (a `text` message's status) in words: for the panel that sent the
// message, and for a toast or a later panel ("Your last message…").
export function verdictWords(status, { last = false } = {}) {
  const message = last ? 'Your last message' : 'Your message';
  return status === 'approved' ? `${message} is on the big screen!` : `${message} wasn't shown on the screen this time.`;
}

export function createText(ctx) {
  const limits = ctx.textLimits();
  const input = h('textarea', {
    id: 'text-input', 'data-testid': 'text-input', rows: '3', 'aria-label': 'Your message',
    placeholder: 'Say something to the room…', enterkeyhint: 'send', autocomplete: 'off',
  });
  const counter = h('span', { class: 'text-counter', 'data-testid': 'text-counter', 'aria-hidden': 'true' });
  const send = h('button', { type: 'submit', class: 'text-send', 'data-testid': 'text-send' }, 'Send');
  const status = h('p', { class: 'text-status', 'data-testid': 'text-status', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'text-form' }, input, h('div', { class: 'text-row' }, counter, send));
  const el = h('section', { class: 'panel panel-text', 'aria-label': 'Message for the screen' },
    h('h2', { class: 'panel-title' }, 'Message for the screen'), form, status);

  let pendingSeq = null; // the seq of the message we are waiting to hear about
  let acked = false; // the daemon has taken it into the moderators' queue
  const waiting = new Set(); // seqs of our messages in the queue: their verdicts are shown
  let nextAllowedAt = 0; // performance.now() when the next one may go
  let cooldownTimer = 0;

  function refresh() {
    const n = chars(input.value.trim());
    setText(counter, `${n}/${limits.maxChars}`);
    counter.classList.toggle('over', n > limits.maxChars);
    const waitMs = nextAllowedAt - performance.now();
    send.disabled = n === 0 || n > limits.maxChars || waitMs > 0 || !ctx.connected();
    setDisabled(input, !ctx.connected()); // the draft stays, to send once the show is back
    setText(send, waitMs > 0 ? `Wait ${Math.ceil(waitMs / 1000)} s` : 'Send');
  }

  function startCooldown(seconds) {
    nextAllowedAt = performance.now() + seconds * 1000;
    clearInterval(cooldownTimer);
    cooldownTimer = setInterval(() => {
      refresh();
      if (performance.now() >= nextAllowedAt) clearInterval(cooldownTimer);
    }, 250);
    refresh();
  }

  function say(text, kind) {
    setText(status, text);
    status.dataset.kind = kind;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || chars(text) > limits.maxChars || send.disabled) return;
    const seq = ctx.inputs.text(text);
    if (seq === null) {
      say('Not connected right now: your message is kept, send it again in a moment.', 'error');
      return;
    }
    pendingSeq = seq;
    acked = false;
    say('Sending…', 'pending');
    startCooldown(limits.intervalS);
  });
  input.addEventListener('input', refresh);
  // Enter sends (Shift+Enter is a new line that the daemon folds to a space anyway).
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const unsubscribe = ctx.onText({
    ack(seq) {
      if (pendingSeq === null || acked || seq < pendingSeq) return;
      acked = true;
      waiting.add(pendingSeq);
      input.value = '';
      refresh();
      say('Sent! Waiting for the moderators…', 'pending');
    },
    error({ code, seq, message }) {
      if (seq !== pendingSeq) return false;
      pendingSeq = null;
      if (code !== 'too_soon' && code !== 'text_refused') startCooldown(0); // a typo costs no turn
      else if (code === 'too_soon') {
        const wait = Number(/wait (\d+) s/.exec(message ?? '')?.[1]);
        if (Number.isFinite(wait)) startCooldown(wait);
      }
      say(TEXT_ERRORS[code] ?? message ?? "That didn't go through", 'error');
      return true;
    },
    // Every verdict is this panel's to say while it is on screen; returns true.
    verdict({ seq, status: verdict }) {
      const ours = waiting.delete(seq); // sent from this panel, else from an earlier cue's
      if (seq === pendingSeq) pendingSeq = null;
      say(verdictWords(verdict, { last: !ours }), verdict === 'approved' ? 'approved' : 'rejected');
      return true;
    },
  });

  const kept = ctx.takeVerdict();
  if (kept) say(verdictWords(kept.status, { last: true }), kept.status === 'approved' ? 'approved' : 'rejected');
  refresh();
  return {
    el,
    update() {
      refresh();
      setHidden(status, !status.textContent);
    },
    destroy() {
      clearInterval(cooldownTimer);
      unsubscribe();
    },
  };
}
