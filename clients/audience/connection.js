// The WebSocket to the daemon: opens it with the tutti.audience.v2 subprotocol, says hello,
// and reconnects with jittered exponential backoff (or after retry_ms when the venue is full).
// It knows nothing about controls; messages go to the handlers given by app.js.

export const PROTOCOL = 'tutti.audience.v2';

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10000;
const POLICY_CLOSE_MIN_MS = 5000; // 1008: "reconnect later, slower"
const REMOVED_BY_VENUE = 4003; // close code: moderation removed this participant
const FORGOTTEN = 4004; // close code: the participant asked to be forgotten, and was
const OPEN_TIMEOUT_MS = 8000;
// States come several times a second, and every 2 s to a hidden page (welcome.rates.hidden_hz):
// this much silence means a dead link. The welcome's rates may make it longer, never shorter.
const SILENCE_LIMIT_MS = 8000;
const SILENCE_CHECK_MS = 2000;

// ±50% jitter so a venue's phones do not all come back in the same instant.
export function jitter(ms) {
  return Math.round(ms * (0.5 + Math.random()));
}

export function daemonUrl(loc = location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/`;
}

export class Connection {
  #url;
  #makeHello;
  #onMessage;
  #onStatus;
  #ws = null;
  #joined = false;
  #attempt = 0;
  #retryTimer = 0;
  #openTimer = 0;
  #watchdog = 0;
  #lastMessageAt = 0;
  #silenceLimitMs = SILENCE_LIMIT_MS;
  #venueFullRetryMs = null;

  // makeHello() returns the hello message; onMessage(msg) gets every parsed message;
  // onStatus(status, detail) gets 'connecting' | 'live' | 'reconnecting' | 'full'.
  constructor({ url, makeHello, onMessage, onStatus }) {
    this.#url = url;
    this.#makeHello = makeHello;
    this.#onMessage = onMessage;
    this.#onStatus = onStatus;
  }

  get joined() {
    return this.#joined;
  }

  start() {
    this.#connect();
    this.#watchdog = setInterval(() => this.#checkSilence(), SILENCE_CHECK_MS);
  }

  // The longest silence a live link may keep (a few of the slowest state periods the daemon
  // announced); never under the default.
  setSilenceLimit(ms) {
    this.#silenceLimitMs = Number.isFinite(ms) ? Math.max(SILENCE_LIMIT_MS, ms) : SILENCE_LIMIT_MS;
  }

  // Skip the remaining backoff (the network came back, or the page became visible).
  reconnectSoon() {
    if (this.#ws || !this.#retryTimer || this.#venueFullRetryMs !== null) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), jitter(300));
  }

  // The phone says it lost its network (the venue's Wi-Fi dropped): the socket is dead even if
  // it has not said so, and the silence watchdog would take seconds to notice. Reconnecting now
  // shows it at once; the 'online' event brings the next try forward (reconnectSoon).
  linkLost() {
    if (this.#ws) this.#abandon(this.#ws);
  }

  // Sends one message once joined; returns false when it could not be sent.
  send(message) {
    if (!this.#joined) return false;
    return this.sendOpen(message);
  }

  // Sends one message on an open socket, joined or not (after the show nobody joins: a phone
  // asks for its recap, or to be forgotten, by its token). False when it could not be sent.
  sendOpen(message) {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  #connect() {
    this.#retryTimer = 0;
    this.#onStatus(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.#url, PROTOCOL);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    this.#openTimer = setTimeout(() => this.#abandon(ws), OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(this.#openTimer);
      this.#lastMessageAt = performance.now();
      ws.send(JSON.stringify(this.#makeHello()));
    };
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onclose = (event) => this.#closed(ws, event.code);
  }

  #receive(data) {
    this.#lastMessageAt = performance.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'welcome') {
      this.#joined = true;
      this.#attempt = 0;
      this.#venueFullRetryMs = null;
      this.#onStatus('live');
    } else if (message.type === 'error' && message.code === 'venue_full') {
      this.#venueFullRetryMs = Number(message.retry_ms) > 0 ? Number(message.retry_ms) : 5000;
      this.#onStatus('full', { retryMs: this.#venueFullRetryMs });
    }
    this.#onMessage(message);
  }

  #closed(ws, code) {
    clearTimeout(this.#openTimer);
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#joined = false;
    if (this.#venueFullRetryMs !== null) {
      const delay = jitter(this.#venueFullRetryMs);
      this.#onStatus('full', { retryMs: delay });
      this.#retryTimer = setTimeout(() => {
        this.#venueFullRetryMs = null;
        this.#connect();
      }, delay);
      return;
    }
    if (code === REMOVED_BY_VENUE) {
      // The venue's moderators removed this phone: coming straight back would undo it.
      this.#onStatus('removed');
      return;
    }
    if (code === FORGOTTEN) {
      // Coming back on its own would make a new participant the person did not ask for.
      this.#onStatus('forgotten');
      return;
    }
    this.#scheduleReconnect(code === 1008 ? POLICY_CLOSE_MIN_MS : 0);
  }

  #scheduleReconnect(minimumMs = 0) {
    const base = Math.min(BACKOFF_MAX_MS, Math.max(minimumMs, BACKOFF_START_MS * 2 ** this.#attempt));
    this.#attempt += 1;
    this.#onStatus('reconnecting');
    this.#retryTimer = setTimeout(() => this.#connect(), jitter(base));
  }

  #checkSilence() {
    if (this.#joined && performance.now() - this.#lastMessageAt > this.#silenceLimitMs) {
      this.#abandon(this.#ws);
    }
  }

  // A dead link may take long to report its close; reconnect now and let it close on its own.
  #abandon(ws) {
    this.#closed(ws, 4000);
    ws.close();
  }
}
