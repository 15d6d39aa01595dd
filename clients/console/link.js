// The console's WebSocket (tutti.console.v1): commands out; replies and the live view (four
// times a second, or in its place a live_error saying why it cannot be sent) in.
//
// A lost socket is never retried blindly: the daemon refuses a socket without a live session
// with a 403 and logs each one, and after a restart every session is gone. So after a drop the
// link waits (backing off, 0.5 s up to 8 s), asks GET /console/session, and opens the socket
// only while the session is live; when it is gone it stops and says why. A socket that goes
// quiet (a Wi-Fi that drops without closing) counts as lost too.
import { sessionCheck } from './session.js';

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];	// then 8 s between tries
const QUIET_STALE_MS = 1500;	// six live views missed: what the desk shows is no longer live
const QUIET_DROP_MS = 5000;	// the socket is taken for lost and opened again
const NOT_SENT = { ok: false, code: 'not_connected', message: 'not connected to the show controller: nothing was sent' };
const LOST = { ok: false, code: 'connection_lost', message: 'the connection dropped before the show controller '
  + 'answered: check the show once the console is live again' };

let socket = null;
let handlers = null;
let stopped = true;
let attempt = 0;
let retryTimer = 0;
let lastMessageAt = 0;
let lastLiveAt = null;	// when the last live view came (a Date): what a stale desk says it shows
let live = false;
let daemonWentAway = false;	// the daemon stopped or did not answer since the last live view
const pending = [];	// the resolve of each command sent, in order: the daemon answers in order

// Sends @command; resolves to the daemon's reply ({ok, code, message}), or to a refusal in
// the same shape when the console is not live or the socket drops before the answer.
export function linkSend(command) {
  if (!live || socket?.readyState !== WebSocket.OPEN) return Promise.resolve(NOT_SENT);
  return new Promise((resolve) => {
    pending.push(resolve);
    socket.send(JSON.stringify(command));
  });
}

// Opens the link. @onLive gets each live view, @onLiveError each live_error, @onStatus each
// change of state ({state: 'connecting'|'live'|'quiet'|'reconnecting', lastLiveAt (a Date or
// null), retryInMs}), @onRole the session's role when it is checked again, @onSessionGone a
// sentence saying why the password is needed again.
export function linkStart(h) {
  handlers = h;
  stopped = false;
  attempt = 0;
  daemonWentAway = false;
  status('connecting');
  open();
}

export function linkStop() {
  stopped = true;
  clearTimeout(retryTimer);
  drop();
}

function status(state, retryInMs = 0) {
  live = state === 'live';
  handlers?.onStatus({ state, lastLiveAt, retryInMs });
}

function failPending(reply) {
  for (const resolve of pending.splice(0)) resolve(reply);
}

// Forgets the socket at once (a close handshake over a dead network can take a minute).
function drop() {
  const s = socket;
  socket = null;
  if (s) {
    s.onopen = s.onmessage = s.onclose = null;
    s.close();
  }
  failPending(LOST);
}

function open() {
  const s = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`, 'tutti.console.v1');
  socket = s;
  s.onmessage = (event) => {
    const message = JSON.parse(event.data);
    lastMessageAt = performance.now();
    if (message.type === 'reply') { pending.shift()?.(message); return; }
    if (message.type === 'live') lastLiveAt = new Date();
    if (!live) { attempt = 0; daemonWentAway = false; status('live'); }
    if (message.type === 'live') handlers.onLive(message);
    if (message.type === 'live_error') handlers.onLiveError(message);
  };
  s.onclose = (event) => {
    drop();
    if (stopped) return;
    if (event.code === 1008) { end('Your session expired: log in again.'); return; }
    if (event.code === 1001) daemonWentAway = true;	// "show over: daemon stopping"
    retryLater();
  };
}

function end(why) {
  stopped = true;
  status('ended');
  handlers.onSessionGone(why);
}

function retryLater() {
  const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] * (0.8 + 0.4 * Math.random());
  attempt++;
  status('reconnecting', delay);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(retry, delay);
}

async function retry() {
  let role;
  try {
    role = await sessionCheck();
  } catch {
    daemonWentAway = true;
    if (!stopped) retryLater();
    return;
  }
  if (stopped) return;
  if (!role) {
    end(daemonWentAway ? 'The show controller restarted, and logins do not survive a restart: log in again.'
      : 'Your session has ended (logged out, expired, or the show controller restarted): log in again.');
    return;
  }
  handlers.onRole(role);
  open();
}

// The watchdog: a live view comes four times a second, so silence means trouble.
setInterval(() => {
  if (!socket || lastMessageAt === 0 || stopped) return;
  const quiet = performance.now() - lastMessageAt;
  if (live && quiet > QUIET_STALE_MS) status('quiet');
  if (quiet > QUIET_DROP_MS) { lastMessageAt = 0; drop(); retryLater(); }
}, 250);
