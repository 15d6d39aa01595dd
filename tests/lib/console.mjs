// Helpers for the console's browser tests: a password hash for a test venue, logging in at
// /console/, the page's layout checks (no sideways scroll, touch targets of 44 px), a TCP
// proxy between the browser and the daemon that can drop the network under an open console,
// and the console's protocol (tutti.console.v1) for tests that play the operator without a page.

import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { byTestId } from './browser.mjs';
import { consoleSession, hashPassword, login } from './console_socket.mjs';

export const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');

export { hashPassword };

// Logs @page in at @url (the daemon's or a proxy's root) as @role, and waits for the live desk.
export async function consoleLogin(page, url, role, password, timeout = 10000) {
  await page.goto(`${url}console/`, { timeout });
  await byTestId(page, 'role').selectOption(role);
  await byTestId(page, 'password').fill(password);
  await byTestId(page, 'login-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="link"]')?.dataset.state === 'live',
    null, { timeout });
}

// Saves @page to the screenshots folder: the whole page from its top (where the sticky bar is
// drawn), or with @viewport only what is on screen now.
export async function screenshot(page, name, { viewport = false } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if (!viewport) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: !viewport });
}

// How far the page scrolls sideways (0 when it fits its viewport).
export const sidewaysScroll = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

// Every visible control smaller than @min px either way, as "testid-or-text WxH".
export const smallTargets = (page, min = 44) => page.evaluate((least) => [...document.querySelectorAll(
  'button, input, select, a[href]')].filter((el) => el.getClientRects().length > 0).map((el) => {
  const r = el.getBoundingClientRect();
  return { name: el.dataset.testid || el.id || el.textContent.trim().slice(0, 20), w: r.width, h: r.height };
}).filter((t) => t.w < least - 0.5 || t.h < least - 0.5).map((t) => `${t.name} ${t.w.toFixed(0)}x${t.h.toFixed(0)}`), min);

// A TCP proxy on 127.0.0.1 to @targetPort. cut() drops every connection and refuses new ones,
// as a Wi-Fi that goes away would; restore() lets them through again; stall() stops what the
// daemon sends on the connections open now without closing them (a link gone quiet), while new
// ones work; retarget() points it at a daemon started again on another port.
export async function tcpProxy(targetPort) {
  let target = targetPort;
  let open = true;
  const sockets = new Set();
  const pairs = new Set();
  const server = net.createServer((client) => {
    if (!open) { client.destroy(); return; }
    const upstream = net.connect(target, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
    client.pipe(upstream).pipe(client);
    client.on('close', () => { pairs.delete(pair); upstream.destroy(); });
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    cut() { open = false; for (const s of sockets) s.destroy(); },
    restore() { open = true; },
    stall() { for (const { client, upstream } of pairs) { upstream.unpipe(client); upstream.pause(); } },
    retarget(p) { target = p; },
    close: () => new Promise((resolve) => { open = false; for (const s of sockets) s.destroy(); server.close(resolve); }),
  };
}

// The console's socket for a test that plays @role, on console_socket.mjs's login and session.
// Resolves to { ws, command(cmd) -> reply, live(predicate, what) -> the first live view after
// the call that passes, close() }. Fails when the login or the socket is refused.
export async function consoleSocket(daemon, password, role = 'operator', timeoutMs = 10000) {
  const session = await consoleSession(daemon, await login(daemon, { role, password }));
  return {
    ws: session.ws,
    command: (cmd) => session.command(cmd, timeoutMs),
    live: (test, what = 'live view') => session.next((m) => m.type === 'live' && test(m), timeoutMs)
      .catch((e) => { throw new Error(`console: no ${what} in ${timeoutMs} ms (${e.message})`); }),
    close: () => session.ws.close(),
  };
}
