// The console socket for integration tests: a login over HTTP and the tutti.console.v1
// socket, with a wait for the next matching message and a command that resolves with its reply.

import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { TUTTI_BIN } from './daemon.mjs';

export const CONSOLE_PASSWORD = 'front-of-house';

// An Argon2id hash of @password, made by the daemon (`tutti hash-password`).
export const hashPassword = (password) =>
  execFileSync(TUTTI_BIN, ['hash-password'], { input: `${password}\n` }).toString().trim();

// The venue config's console section for CONSOLE_PASSWORD.
export function consoleSection(password = CONSOLE_PASSWORD) {
  return { operator_password_hash: hashPassword(password) };
}

// POST /console/login; resolves to the session cookie ("tutti_console=...").
export async function login(d, { role = 'operator', password = CONSOLE_PASSWORD } = {}) {
  const res = await fetch(`${d.url}console/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role, password }),
  });
  if (res.status !== 200) throw new Error(`console login: HTTP ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

// The console socket: { ws, next(test, ms), command(cmd, ms) }. A wait ends with an error at once
// when the socket closes (a daemon killed mid-command), not only when it times out.
export async function consoleSession(d, cookie) {
  const ws = new WebSocket(d.wsUrl, 'tutti.console.v1', { headers: { Cookie: cookie } });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  ws.on('error', () => {});
  // Resolves on the first matching message after the call, as it arrives (no polling delay:
  // the kill right after a reply must come before the journal's next batch would).
  const next = (test, ms = 5000) => new Promise((resolve, reject) => {
    const done = () => { clearTimeout(t); ws.off('message', on); ws.off('close', closed); };
    const on = (data) => {
      const m = JSON.parse(data.toString());
      if (test(m)) { done(); resolve(m); }
    };
    const closed = () => { done(); reject(new Error('the console socket closed')); };
    const t = setTimeout(() => { done(); reject(new Error('timed out')); }, ms);
    if (ws.readyState !== WebSocket.OPEN) return closed();
    ws.on('message', on);
    ws.on('close', closed);
  });
  const command = async (cmd, ms) => {
    const reply = next((m) => m.type === 'reply', ms);
    ws.send(JSON.stringify(cmd));
    return reply;
  };
  return { ws, next, command };
}
