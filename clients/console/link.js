// The console's WebSocket (tutti.console.v1): commands out; replies and the live view (four
// times a second, or in its place a live_error saying why it cannot be sent) in. It reconnects
// after a drop, and stops when the session has ended.
import { $ } from './dom.js';

let socket = null;
let stopped = false;

export function send(command) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(command));
}

// Opens the socket; @onLive gets each live view, @onLiveError each live_error, @onReply each
// reply, @onSessionEnd a 1008 close.
export function linkOpen({ onLive, onLiveError, onReply, onSessionEnd }) {
  stopped = false;
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`, 'tutti.console.v1');
  socket.onopen = () => { $('link').textContent = 'live'; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'live') onLive(message);
    if (message.type === 'live_error') onLiveError(message);
    if (message.type === 'reply') onReply(message);
  };
  socket.onclose = (event) => {
    $('link').textContent = event.code === 1008 ? 'session expired' : 'offline';
    if (event.code === 1008) { onSessionEnd(); return; }
    if (!stopped) setTimeout(() => linkOpen({ onLive, onLiveError, onReply, onSessionEnd }), 1000);
  };
}

export function linkClose() {
  stopped = true;
  socket?.close();
}
