// The operator's and the artist's console: logs in over HTTP (session.js; a reload with a live
// session goes straight in), then speaks tutti.console.v1 over a WebSocket (link.js). Each
// panel of the desk is its own module with a render function fed the live view. When the link
// is not live the desk is greyed out, its controls are off, and the top bar says since when
// what it shows is the last known state. No request leaves the daemon.
import { $, setText, timeOfDay } from './dom.js';
import { commandCueShown } from './command.js';
import { keysInit } from './keys.js';
import { linkStart, linkStop } from './link.js';
import { sessionCheck, sessionLogin, sessionLogout } from './session.js';
import { activityPanelRender, activityPanelReset } from './panel-activity.js';
import { alarmsPanelRender } from './panel-alarms.js';
import { artistPanelRender } from './panel-artist.js';
import { mixPanelRender } from './panel-mix.js';
import { moderationPanelInit, moderationPanelRender } from './panel-moderation.js';
import { reportViewInit } from './panel-report.js';
import { pollPanelInit, pollPanelRender } from './panel-poll.js';
import { safetyPanelInit, safetyPanelRender, safetyPanic } from './panel-safety.js';
import { showBack, showGo, showHoldToggle, showPanelInit, showPanelRender, showPanelStale } from './panel-show.js';
import { stagePanelInit, stagePanelRender, stagePanelStart, stagePanelStop } from './panel-stage.js';
import { statsPanelRender } from './panel-stats.js';
import { textsPanelRender } from './panel-texts.js';

const PANELS = [showPanelRender, safetyPanelRender, stagePanelRender, alarmsPanelRender, pollPanelRender, activityPanelRender,
  moderationPanelRender, textsPanelRender, mixPanelRender, artistPanelRender, statsPanelRender];
const LINK_WORDS = { connecting: 'connecting…', live: 'LIVE', quiet: 'NO UPDATES', reconnecting: 'RECONNECTING', ended: 'offline' };
let role = null;

// The live view could not be sent: say so on the desk rather than show a stale one as live.
function showLiveError(message) {
  $('live-error').hidden = !message;
  $('live-error').textContent = message ? `No live view: ${message.message}` : '';
}

function onLive(live) {
  if (!$('live-error').hidden) showLiveError(null);
  commandCueShown(live.cue.id);
  for (const render of PANELS) render(live, role);
}

// Live, or the last known state greyed out with its time, and nothing that could send.
function onStatus({ state, lastLiveAt, retryInMs }) {
  const live = state === 'live';
  if (live) activityPanelReset();	// what the feed holds on a fresh link is history, not news
  const link = $('link');
  link.dataset.state = state;
  setText(link, LINK_WORDS[state]);
  document.title = `${live ? '● LIVE' : LINK_WORDS[state]} · Tutti console`;
  $('desk').classList.toggle('stale', !live);
  $('show-controls').disabled = !live;
  $('panels').disabled = !live;
  showPanelStale(!live);
  const since = lastLiveAt ? `showing the last known state from ${timeOfDay(lastLiveAt)}` : 'nothing received yet';
  const retry = retryInMs > 0 ? ` Next try in ${Math.ceil(retryInMs / 1000)} s.` : '';
  const words = {
    connecting: `Connecting to the show controller — ${since}.`,
    quiet: `No update from the show controller for a few seconds — ${since}. Nothing you press is sent.`,
    reconnecting: `Reconnecting — ${since}. Nothing you press is sent.${retry}`,
  };
  $('stale').hidden = live || state === 'ended';
  $('stale').textContent = words[state] || '';
}

function showLogin(why = '') {
  linkStop();
  stagePanelStop();
  $('desk').hidden = true;
  $('login').hidden = false;
  $('login-why').hidden = !why;
  $('login-why').textContent = why;
  $('login-error').textContent = '';
  if (role) $('role').value = role;
  $('password').focus();
}

function showRole(newRole) {
  role = newRole;
  document.body.dataset.role = role;
  $('whoami').textContent = role;
}

function showDesk(newRole) {
  showRole(newRole);
  $('login').hidden = true;
  $('desk').hidden = false;
  linkStart({ onLive, onLiveError: showLiveError, onStatus, onRole: showRole, onSessionGone: showLogin });
  stagePanelStart();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const newRole = await sessionLogin($('role').value, $('password').value);
    $('password').value = '';
    showDesk(newRole);
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', async () => {
  linkStop();
  stagePanelStop();
  await sessionLogout();
  showLogin();
});

showPanelInit();
pollPanelInit();
safetyPanelInit();
stagePanelInit();
moderationPanelInit();
reportViewInit();
keysInit({ Space: showGo, b: showBack, h: showHoldToggle, Escape: () => { if (role === 'operator') safetyPanic(); } });

// A reload with a live session goes straight to the desk.
try {
  const sessionRole = await sessionCheck();
  if (sessionRole) showDesk(sessionRole);
  else showLogin();
} catch {
  showLogin('The show controller does not answer: reload the page once it runs.');
}
