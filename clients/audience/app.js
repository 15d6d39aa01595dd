// The Tutti audience app: joins the show over the WebSocket, keeps the clock in sync, and
// renders the current cue, its controls and the crowd's activity (see docs/protocol.md).

import { Connection, daemonUrl } from './connection.js';
import { ShowClock } from './clock.js';
import { StateStream } from './state-stream.js';
import { BeatFlasher } from './beat-flash.js';
import { InputSender } from './inputs.js';
import { ControlPanels } from './controls.js';
import { verdictWords } from './control-text.js';
import { STATUS_TEXT, IDLE, idleKind } from './wording.js';
import { keepScreenOn } from './wakelock.js';
import { load, save, forgetAll } from './storage.js';
import { recapItems, showDate } from './recap.js';
import { setText, setHidden, toast, replayClass, prefersReducedMotion, formatCountdown, formatNumber } from './ui.js';

const PING_EVERY_MS = 3000;
const RECAP_RETRY_MS = 3000; // many phones ask at the end at once: ask again a little later
const PING_BURST_GAP_MS = 150;
const VERDICT_TOAST_MS = 5000; // the person may be looking at the stage: give them time to look down
const SILENCE_PERIODS = 4; // the dead-link watchdog waits this many of the slowest state periods

const FRIENDLY_ERRORS = {
  control_disabled: "That control isn't active right now",
  rate_limited: 'Easy! Too fast',
  poll_closed: 'Voting has closed',
  unknown_poll: "That vote isn't running",
  too_many_connections: 'Too many phones on this network: retrying soon',
  already_joined: null, // harmless; the app never sends two hellos on one socket
};

const $ = (id) => document.getElementById(id);
const ui = {
  venue: $('venue-name'), zone: $('zone-name'), status: $('status'), statusText: $('status-text'),
  kicker: $('cue-kicker'), offlineNote: $('offline-note'), cueTitle: $('cue-title'), cuePrompt: $('cue-prompt'), cueCountdown: $('cue-countdown'),
  participants: $('participants'), active: $('active'), controls: $('controls'),
  idle: $('idle'), idleTitle: $('idle-title'), idleText: $('idle-text'), meLine: $('me'), me: $('participant-id'), counted: $('counted'),
  overlay: $('overlay'), overlayTitle: $('overlay-title'), overlayText: $('overlay-text'),
  forgetMe: $('forget-me'), forgetDialog: $('forget-dialog'), forgetConfirm: $('forget-confirm'),
  forgetCancel: $('forget-cancel'), joinAgain: $('join-again'),
  recap: $('recap'), recapTitle: $('recap-title'), recapWhen: $('recap-when'), recapStatus: $('recap-status'),
  recapItems: $('recap-items'), recapNote: $('recap-note'), recapForget: $('recap-forget'),
};

const urlZone = new URLSearchParams(location.search).get('zone');
let joinedZone = null; // once welcomed, reconnects stay in the zone the daemon gave us
let zoneNames = new Map();
let confirmedVotes = {}; // poll id -> choice the daemon has
const pollRounds = new Map(); // poll id -> the round last seen: a reset (or an ad-hoc poll's new question) starts over
let latestState = null;
let renderQueued = false;
let pingTimer = 0;
let countedTimer = 0;
let textLimits = { maxChars: 80, intervalS: 30 };
const textListeners = new Set(); // the text panel's { ack, error, verdict }
let keptVerdict = null; // a verdict that came with no text panel on screen, for the next one

const clock = new ShowClock();
const connection = new Connection({
  url: daemonUrl(),
  makeHello: () => ({ type: 'hello', token: load('token'), zone: joinedZone ?? urlZone ?? load('zone') ?? null }),
  onMessage: handleMessage,
  onStatus: showStatus,
});
const stream = new StateStream({ send: (message) => connection.send(message) });
const beats = new BeatFlasher({
  showNow: () => clock.now(),
  flash: () => replayClass(document.body, 'beat-flash'),
  allowed: () => !document.hidden && !prefersReducedMotion(),
});
const inputs = new InputSender({
  connection,
  onCounted: showCounted,
  onVoteTaken: (vote) => { confirmedVotes[vote.poll] = vote.choice; },
});
const panels = new ControlPanels(ui.controls, {
  inputs,
  clock,
  toast,
  connected: () => connection.joined,
  participantId: () => load('id'),
  myVote: (poll) => inputs.pendingChoice(poll) ?? confirmedVotes[poll],
  voteWaiting: (poll) => inputs.pendingChoice(poll) !== undefined,
  vote: (poll, choice) => {
    inputs.vote(poll, choice);
    scheduleRender();
  },
  textLimits: () => textLimits,
  takeVerdict: () => {
    const verdict = keptVerdict;
    keptVerdict = null;
    return verdict;
  },
  onText: (listener) => {
    textListeners.add(listener);
    return () => textListeners.delete(listener);
  },
});

function handleMessage(message) {
  beats.heard();
  switch (message.type) {
    case 'welcome': return onWelcome(message);
    case 's': return onState(message);
    case 'recap': return onRecap(message);
    case 'text': return onVerdict(message);
    case 'pong': return clock.onPong(message);
    case 'forgotten': return onForgotten();
    case 'error': return onError(message);
    default: return undefined;
  }
}

// One state of the stream: the view the panels read, the beat grid, and the acknowledgement of
// every input and vote up to seq `k`.
function onState(message) {
  beats.setGrid(message.beat);
  const state = stream.apply(message);
  if (state) {
    forgetVotesOfAnEarlierRound(state.poll);
    latestState = state;
    if (state.over) askForRecap();
    scheduleRender();
  }
  if (Number.isFinite(message.k)) {
    for (const l of textListeners) l.ack(message.k);
    inputs.onAck({ seq: message.k });
  }
}

// The venue reset the poll, or reused an ad-hoc poll's id for a new question: the choice this
// phone showed belongs to the earlier round, and the daemon has no vote of it any more.
function forgetVotesOfAnEarlierRound(poll) {
  if (!poll || !Number.isInteger(poll.round)) return;
  const seen = pollRounds.get(poll.id);
  pollRounds.set(poll.id, poll.round);
  if (seen === undefined || seen === poll.round) return;
  delete confirmedVotes[poll.id];
  inputs.forgetPoll(poll.id);
}

function onWelcome(welcome) {
  if (load('recap')) { // a live show: a recap kept from another night steps aside (forget me clears it)
    hideRecap();
    recapAsked = false;
  }
  save('token', welcome.token);
  save('id', welcome.id);
  save('zone', welcome.zone);
  joinedZone = welcome.zone;
  zoneNames = new Map((welcome.zones ?? []).map((z) => [z.id, z.name]));
  confirmedVotes = { ...(welcome.votes ?? {}) };
  setText(ui.me, welcome.id);
  setHidden(ui.meLine, false);
  setHidden(ui.forgetMe, false);
  setText(ui.venue, welcome.venue || 'Tutti');
  document.title = welcome.venue ? `${welcome.venue} · Tutti` : 'Tutti';
  setText(ui.zone, zoneNames.get(welcome.zone) ?? welcome.zone ?? '');
  setHidden(ui.overlay, true);
  const max = Number(welcome.limits?.text_max_chars);
  const interval = Number(welcome.limits?.text_interval_s);
  textLimits = { maxChars: max > 0 ? max : 80, intervalS: interval >= 0 ? interval : 30 };
  inputs.onWelcome(welcome);
  clock.reset(welcome.t);
  stream.reset();
  beats.stop(); // the first state brings the grid, in this daemon's show time
  connection.setSilenceLimit(silenceLimitMs(welcome.rates));
  if (document.hidden) sendVisibility();
  startPinging();
  scheduleRender();
}

// A hidden page gets a state every 1 / hidden_hz seconds only: the watchdog must outwait a few.
function silenceLimitMs(rates) {
  const slowest = Math.min(...[rates?.hidden_hz, rates?.calm_hz].filter((hz) => Number(hz) > 0));
  return Number.isFinite(slowest) ? SILENCE_PERIODS * (1000 / slowest) : null;
}

// The daemon sends a hidden page fewer states, and a shown one the whole show again.
function sendVisibility() {
  connection.send({ type: 'visibility', hidden: document.hidden });
}

// The moderators' verdict on one of our crowd texts. The text panel says it in place; with none
// on screen (the cue moved on before the operator decided), a toast says it, and the next text
// panel starts with it.
function onVerdict(verdict) {
  for (const l of textListeners) if (l.verdict(verdict)) return;
  toast(verdictWords(verdict.status), VERDICT_TOAST_MS);
  keptVerdict = verdict;
}

function onError(error) {
  if (error.code === 'venue_full') return; // the status handler shows the full screen
  if (error.code === 'show_over') { // nobody joins after the end: this phone asks for its recap
    askForRecap();
    return;
  }
  if (error.code === 'queue_full' && recapAsked) { // the venue is answering many phones at once
    recapAsked = false;
    setTimeout(askForRecap, RECAP_RETRY_MS + Math.random() * RECAP_RETRY_MS);
    return;
  }
  for (const l of textListeners) if (l.error(error)) return; // the text panel says it in place
  const dropped = inputs.onError(error);
  if (dropped) scheduleRender(); // the highlight falls back to what the daemon has
  if (error.code === 'unknown_zone') {
    toast("That section isn't known here: you've joined the main one");
    return;
  }
  const friendly = error.code in FRIENDLY_ERRORS ? FRIENDLY_ERRORS[error.code] : "Hmm, that didn't go through";
  if (friendly) toast(friendly);
}

function startPinging() {
  clearInterval(pingTimer);
  const ping = () => connection.send(clock.makePing());
  for (let i = 0; i < 3; i += 1) setTimeout(ping, i * PING_BURST_GAP_MS);
  pingTimer = setInterval(() => {
    if (!connection.send(clock.makePing())) clearInterval(pingTimer);
  }, PING_EVERY_MS);
}

let fullCountdownTimer = 0;
let currentStatus = 'connecting';
function showStatus(status, detail) {
  currentStatus = status;
  ui.status.dataset.state = status;
  setText(ui.statusText, STATUS_TEXT[status]);
  document.body.classList.toggle('stale', status !== 'live');
  if (status !== 'live') setHidden(ui.counted, true);
  clearInterval(fullCountdownTimer);
  if (status === 'full') {
    setText(ui.overlayTitle, 'The venue is full — waiting for a spot…');
    const retryAt = performance.now() + (detail?.retryMs ?? 5000);
    const tick = () => setText(ui.overlayText,
      `We'll try again in ${Math.max(0, Math.ceil((retryAt - performance.now()) / 1000))} s. Keep this page open.`);
    tick();
    fullCountdownTimer = setInterval(tick, 500);
    setHidden(ui.overlay, false);
  } else if (status === 'removed') {
    setText(ui.overlayTitle, 'The venue has removed you from the crowd');
    setText(ui.overlayText, 'Enjoy the rest of the show.');
    setHidden(ui.overlay, false);
  } else if (status === 'forgotten') {
    showForgotten();
  } else if (status === 'live') {
    setHidden(ui.overlay, true);
  } else if (!ui.overlay.hidden) {
    setText(ui.overlayText, 'Trying again now…');
  }
  scheduleRender(); // controls and countdowns follow the connection, not only the states
}

// ---- the recap, once the show is over ----

let recapAsked = false;

// The show is over (the state says so, or the hello was refused): ask the venue for this
// phone's recap, once; the one kept from an earlier visit shows meanwhile.
function askForRecap() {
  showRecapMode();
  if (recapAsked) return;
  const token = load('token');
  if (!token) {
    setText(ui.recapStatus, 'The show is over. Thank you for coming!');
    return;
  }
  recapAsked = connection.sendOpen({ type: 'recap', token });
  if (!load('recap')) setText(ui.recapStatus, 'Gathering your night…');
}

function onRecap(recap) {
  if (!recap.found) {
    save('recap', null);
    ui.recapItems.replaceChildren();
    setHidden(ui.recapNote, true);
    setHidden(ui.recapForget, true);
    setText(ui.recapStatus, "The details of this night are no longer kept.");
    return;
  }
  save('recap', recap);
  showRecap(recap);
}

function showRecapMode() {
  if (!document.body.classList.contains('recap-mode')) {
    document.body.classList.add('recap-mode');
    setHidden(ui.recap, false);
    clearInterval(pingTimer);
  }
}

function showRecap(recap) {
  const first = ui.recap.hidden;
  showRecapMode();
  setText(ui.recapTitle, recap.venue ? `Your night at ${recap.venue}` : 'Your night');
  setText(ui.recapWhen, showDate(recap));
  setText(ui.recapStatus, '');
  ui.recapItems.replaceChildren(...recapItems(recap));
  setHidden(ui.recapNote, false);
  setHidden(ui.recapForget, false);
  if (first) ui.recapTitle.focus({ preventScroll: true });
}

function hideRecap() {
  document.body.classList.remove('recap-mode');
  ui.recapItems.replaceChildren();
  setHidden(ui.recap, true);
}

// Forget me: asked for on the phone, confirmed in a dialog, done once the venue's record has
// let go of this participant ("forgotten", then the daemon closes with 4004). After the show the
// phone has not joined: it names itself by its token.
function forgetMessage() {
  if (connection.joined) return { type: 'forget' };
  const token = load('token');
  return token ? { type: 'forget', token } : null;
}

function askToForget() {
  const message = forgetMessage();
  if (!message) { // nothing left at the venue: only what this phone kept
    forgetAll();
    hideRecap();
    showForgotten();
    return;
  }
  if (!connection.joined && !recapAsked) {
    toast('Not connected: try again when the page says Live');
    return;
  }
  ui.forgetDialog.showModal();
}

function confirmForget() {
  ui.forgetDialog.close();
  const message = forgetMessage();
  if (!message || !connection.sendOpen(message)) toast('Not connected: try again in a moment');
}

function onForgotten() {
  forgetAll();
  hideRecap();
  showForgotten();
}

function showForgotten() {
  clearInterval(pingTimer);
  setHidden(ui.meLine, true);
  setHidden(ui.forgetMe, true);
  setText(ui.overlayTitle, "You've been forgotten");
  setText(ui.overlayText, 'Your id, taps and votes are gone from the show\'s record; your votes still count, '
    + 'with no name on them.');
  setHidden(ui.joinAgain, false);
  setHidden(ui.overlay, false);
}

ui.forgetMe.addEventListener('click', askToForget);
ui.recapForget.addEventListener('click', askToForget);
ui.forgetConfirm.addEventListener('click', confirmForget);
ui.forgetCancel.addEventListener('click', () => ui.forgetDialog.close());
ui.joinAgain.addEventListener('click', () => location.reload());

function showCounted() {
  setHidden(ui.counted, false);
  replayClass(ui.counted, 'flash');
  clearTimeout(countedTimer);
  countedTimer = setTimeout(() => setHidden(ui.counted, true), 1800);
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  // One render per frame however many states arrived; a hidden page renders on return.
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render() {
  const state = latestState;
  if (!state) {
    showIdle(idleKind(currentStatus, null, 0));
    return;
  }
  // Not live: the last state stays on screen, but nothing on it may look as if it still moved.
  const live = connection.joined;
  const cue = state.cue ?? {};
  setText(ui.kicker, live ? 'Now playing' : cue.final ? 'The end' : 'Paused at');
  setText(ui.cueTitle, cue.title || 'Tutti');
  setText(ui.cuePrompt, cue.prompt || '');
  setHidden(ui.cuePrompt, !cue.prompt);
  const now = clock.now();
  const advanceIn = Number.isFinite(cue.advance_at) && now !== null ? cue.advance_at - now : null;
  setHidden(ui.cueCountdown, advanceIn === null);
  if (advanceIn !== null) setText(ui.cueCountdown, live ? `next up in ${formatCountdown(advanceIn)}` : 'next up: paused');
  setText(ui.participants, formatNumber(state.participants));
  setText(ui.active, formatNumber(state.active));
  const shown = panels.update(state, { live });
  // Controls on screen but out of reach: say why they are off (with none, the idle words do).
  const reconnecting = currentStatus === 'reconnecting' || currentStatus === 'connecting';
  setHidden(ui.offlineNote, !(reconnecting && shown > 0));
  showIdle(idleKind(currentStatus, state, shown));
}

// The words in the panel area for @kind (wording.js), or none.
function showIdle(kind) {
  setHidden(ui.idle, kind === null);
  if (kind === null) return;
  ui.idle.dataset.kind = kind;
  setText(ui.idleTitle, IDLE[kind].title);
  setText(ui.idleText, IDLE[kind].text);
}

addEventListener('offline', () => connection.linkLost());
addEventListener('online', () => connection.reconnectSoon());
document.addEventListener('visibilitychange', () => {
  sendVisibility();
  if (document.visibilityState === 'visible') connection.reconnectSoon();
});
keepScreenOn();
const keptRecap = load('recap');
if (keptRecap?.found) showRecap(keptRecap); // the night, even offline; the venue's newer one follows
connection.start();
