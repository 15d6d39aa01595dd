// Small wrapper around localStorage: what a phone remembers between visits
// (token, participant id, zone, last seq, unacked votes, own tap count).
// Every access is guarded: private browsing or a full quota must never break the app.

const PREFIX = 'tutti.';

export function load(key, fallback = null) {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage unavailable: the app still works for this page's lifetime.
  }
}

// Forget me: everything this page remembers about the participant, gone.
export function forgetAll() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    // Storage unavailable: there is nothing stored to forget.
  }
}
