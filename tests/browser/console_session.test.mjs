// Browser test of the console's session and link, against the real daemon behind a TCP proxy
// (tests/lib/console.mjs) that can drop the network and be pointed at a restarted daemon. It
// proves a reload with a live session goes straight to the desk; a dropped network greys the
// desk out, says since when it shows the last known state, sends nothing (GO and Space do
// nothing), and comes back live by itself without the password; so does a link that goes quiet
// without closing (a live view is due four times a second); and after a daemon restart
// (sessions live in its memory) the console asks for the password saying why, without ever
// knocking on the console socket while it has no session (each knock is a 403 in the log).
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { consoleLogin, hashPassword, screenshot, tcpProxy } from '../lib/console.mjs';

const WAIT_MS = 10000;
const RECONNECT_MS = 20000;	// backoff tops out at 8 s between tries
const PASSWORD = 'front of house';
const config = writeConfig(smallVenue({
  console: { operator_password_hash: hashPassword(PASSWORD) },
  cues: [{ id: 'a', title: 'Opening', scene: 'title' }, { id: 'b', title: 'Second', scene: 'title' }],
}));
let daemon;
let proxy;
let browser;
let context;
let page;
const errors = [];

before(async () => {
  daemon = await startDaemon({ config });
  proxy = await tcpProxy(daemon.port);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close().catch(() => {});
  await proxy?.close();
  if (daemon) await daemon.stop();
});

const shows = (id, re, what, timeout = WAIT_MS) => waitForText(page, id, (t) => re.test(t), what, daemon, timeout);
const logins = () => (daemon.output().match(/console: login as operator from [^:]+: ok/g) || []).length;
const linkState = (state, timeout = WAIT_MS) => page.waitForFunction(
  (s) => document.querySelector('[data-testid="link"]').dataset.state === s, state, { timeout });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a reload with a live session goes straight to the desk', { timeout: 60000 }, async () => {
  await consoleLogin(page, proxy.url, 'operator', PASSWORD);
  await shows('current-cue', /^1\. Opening$/, 'the live desk');
  assert.equal(logins(), 1);
  await page.reload();
  await linkState('live');
  await shows('current-cue', /^1\. Opening$/, 'the desk after the reload');
  assert.equal(await byTestId(page, 'login').isVisible(), false, 'no login form');
  assert.equal(await byTestId(page, 'whoami').textContent(), 'operator');
  assert.equal(logins(), 1, 'no second login');
});

test('a dropped network greys the desk with the time it stands at, sends nothing, and comes back live by itself', { timeout: 60000 }, async () => {
  proxy.cut();
  await linkState('reconnecting');
  await shows('stale', /^Reconnecting — showing the last known state from \d\d:\d\d:\d\d\. Nothing you press is sent\./,
    'the stale desk labelled');
  await shows('link', /^RECONNECTING$/, 'the link pill');
  assert.equal(await page.locator('#desk').evaluate((d) => d.classList.contains('stale')), true, 'greyed');
  assert.equal(await byTestId(page, 'go').isDisabled(), true, 'GO is off');
  assert.equal(await byTestId(page, 'find-participant').isDisabled(), true, 'every control is off');
  assert.equal(await byTestId(page, 'fade').isDisabled(), true, 'the safety toggles too');
  const grey = await page.locator('#panels').evaluate((p) => getComputedStyle(p).filter);
  assert.match(grey, /grayscale/);
  await shows('current-cue', /^1\. Opening$/, 'the last known cue still shown');
  await page.keyboard.press('Space');
  await shows('show-feedback', /^✗ Not done: not connected to the show controller: nothing was sent$/, 'Space says nothing was sent');
  await screenshot(page, 'console-reconnecting-1440x900.png');

  proxy.restore();
  await linkState('live', RECONNECT_MS);
  assert.equal(await byTestId(page, 'stale').isVisible(), false, 'the label goes');
  assert.equal(await byTestId(page, 'go').isDisabled(), false, 'GO is back');
  assert.equal(await byTestId(page, 'login').isVisible(), false, 'no password asked');
  assert.equal(logins(), 1, 'the same session');
  await page.keyboard.press('Space');
  await shows('current-cue', /^2\. Second$/, 'GO works again');
  assert.equal((daemon.output().match(/ cue\.go at /g) || []).length, 1, 'only the live GO reached the daemon');
});

test('a link that goes quiet without closing is greyed within two seconds, then replaced by itself', { timeout: 60000 }, async () => {
  const quietAt = Date.now();
  proxy.stall();
  await linkState('quiet', 3000);
  assert.ok(Date.now() - quietAt < 2500, `greyed after ${Date.now() - quietAt} ms`);
  await shows('link', /^NO UPDATES$/, 'the link pill');
  await shows('stale', /^No update from the show controller for a few seconds — showing the last known state from \d\d:\d\d:\d\d\. Nothing you press is sent\.$/,
    'the quiet desk labelled');
  assert.equal(await byTestId(page, 'go').isDisabled(), true, 'GO is off');
  await linkState('live', RECONNECT_MS);
  assert.equal(await byTestId(page, 'go').isDisabled(), false, 'GO is back');
  assert.equal(logins(), 1, 'the same session');
});

test('after a daemon restart the console asks for the password, saying why, and never knocks on the socket meanwhile', { timeout: 90000 }, async () => {
  await daemon.stop();
  await linkState('reconnecting');
  await shows('stale', /^Reconnecting — showing the last known state from \d\d:\d\d:\d\d/, 'the desk greyed while the daemon is down');
  await shows('current-cue', /^2\. Second$/, 'the last known cue');
  await pause(2000);
  daemon = await startDaemon({ config });
  proxy.retarget(daemon.port);

  await byTestId(page, 'login').waitFor({ state: 'visible', timeout: RECONNECT_MS });
  await shows('login-why', /^The show controller restarted, and logins do not survive a restart: log in again\.$/, 'why');
  assert.equal(await page.locator('#desk').isVisible(), false, 'no stale desk behind the login');
  await pause(3000);	// several retry periods of the old console
  assert.doesNotMatch(daemon.output(), /User code denied connection|operator@\S+ connected/, 'no socket without a session');
  await screenshot(page, 'console-login-after-restart-1440x900.png');

  await byTestId(page, 'password').fill(PASSWORD);
  await byTestId(page, 'login-button').click();
  await linkState('live');
  await shows('current-cue', /^1\. Opening$/, 'live again, on the new show');
  assert.deepEqual(errors, []);
});
