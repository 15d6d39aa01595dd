// The operator's and the artist's console: logs in over HTTP (the daemon sets an HttpOnly
// session cookie), then speaks tutti.console.v1 over a WebSocket (link.js). Each panel of the
// desk is its own module with a render function fed the live view. No request leaves the daemon.
import { $ } from './dom.js';
import { linkClose, linkOpen } from './link.js';
import { alarmsPanelRender } from './panel-alarms.js';
import { artistPanelRender } from './panel-artist.js';
import { mixPanelRender } from './panel-mix.js';
import { moderationPanelRender } from './panel-moderation.js';
import { pollPanelInit, pollPanelRender } from './panel-poll.js';
import { safetyPanelInit, safetyPanelRender } from './panel-safety.js';
import { showPanelInit, showPanelRender } from './panel-show.js';
import { statsPanelRender } from './panel-stats.js';
import { textsPanelRender } from './panel-texts.js';

const PANELS = [showPanelRender, pollPanelRender, mixPanelRender, artistPanelRender, moderationPanelRender,
  textsPanelRender, safetyPanelRender, alarmsPanelRender, statsPanelRender];
let role = null;

function showReply(message) {
  const el = $('reply');
  el.textContent = message.ok ? 'Done.' : `${message.code}: ${message.message}`;
  el.classList.toggle('bad', !message.ok);
}

// The live view could not be sent: say so on the desk rather than show a stale one as live.
function showLiveError(message) {
  $('live-error').hidden = !message;
  $('live-error').textContent = message ? `No live view: ${message.message}` : '';
  $('link').textContent = message ? 'no live view' : 'live';
}

function showLogin(message = '') {
  $('desk').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

function showDesk() {
  $('login').hidden = true;
  $('desk').hidden = false;
  $('whoami').textContent = role;
  $('safety').hidden = role !== 'operator';
  linkOpen({
    onLive: (live) => {
      if (!$('live-error').hidden) showLiveError(null);
      for (const render of PANELS) render(live, role);
    },
    onLiveError: showLiveError,
    onReply: showReply,
    onSessionEnd: () => showLogin('Your session ended: log in again.'),
  });
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const response = await fetch('/console/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: $('role').value, password: $('password').value }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { $('login-error').textContent = body.message || `Refused (${response.status})`; return; }
  role = body.role;
  $('password').value = '';
  showDesk();
});

$('logout').addEventListener('click', async () => {
  linkClose();
  await fetch('/console/logout', { method: 'POST' });
  showLogin();
});

showPanelInit();
pollPanelInit();
safetyPanelInit();
