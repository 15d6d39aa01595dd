// The console's login over HTTP: the daemon keeps the session and sets an HttpOnly cookie; the
// page only ever learns the role. No request leaves the daemon's origin.

// The role of this browser's live session ('operator' or 'artist'), or null when there is none
// (never logged in, logged out, expired, or the daemon restarted: sessions live in its memory).
// Throws when the daemon does not answer.
export async function sessionCheck() {
  const response = await fetch('/console/session', { cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`the show controller answered ${response.status}`);
  return (await response.json()).role;
}

// Logs in; resolves to the role, or throws an Error whose message a person can read.
export async function sessionLogin(role, password) {
  const response = await fetch('/console/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `Refused (${response.status})`);
  return body.role;
}

export async function sessionLogout() {
  await fetch('/console/logout', { method: 'POST' }).catch(() => {});
}
