// Browser test of the console's stage preview against the real daemon with an offscreen stage
// screen: once the operator is on the desk, the Stage panel shows the screen's thumbnail (a PNG
// swapped in as a data: URL, which the console's Content-Security-Policy allows) and keeps
// refreshing it; a blackout is said over it in words; and a daemon with no stage screen shows
// "no stage screen" instead of a broken image.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { consoleLogin, hashPassword, screenshot } from '../lib/console.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
const config = writeConfig(smallVenue({ console: { operator_password_hash: hashPassword(PASSWORD) } }));
const daemons = [];
let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const d of daemons) await d.stop();
});

const imageSrc = (page) => page.evaluate(() => {
  const img = document.querySelector('[data-testid="stage-image"]');
  return img.hidden || !img.complete || img.naturalWidth === 0 ? '' : img.src;
});

test('the Stage panel shows the stage screen and says BLACKOUT over it', { timeout: 60000 }, async () => {
  const daemon = await startDaemon({ config, args: ['--stage', 'offscreen', '--simulate', '20'],
    env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
  daemons.push(daemon);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A refused image says so on the console (the session check's 401 and the 404 before the first
  // picture are expected answers, not errors of the page).
  page.on('console', (m) => { if (/Refused|Content Security Policy/.test(m.text())) errors.push(m.text()); });
  await consoleLogin(page, daemon.url, 'operator', PASSWORD);

  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="stage-image"]');
    return !img.hidden && img.src.startsWith('data:image/png') && img.naturalWidth === 320;
  }, null, { timeout: WAIT_MS });
  const first = await imageSrc(page);
  // The crowd's dots move: a newer picture arrives within a few refreshes.
  await page.waitForFunction((old) => {
    const img = document.querySelector('[data-testid="stage-image"]');
    return img.src.startsWith('data:image/png') && img.src !== old;
  }, first, { timeout: WAIT_MS });
  assert.equal(await byTestId(page, 'stage-blackout').isVisible(), false);

  await byTestId(page, 'blackout').click();
  await byTestId(page, 'stage-blackout').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await byTestId(page, 'stage-blackout').textContent(), 'BLACKOUT');
  await screenshot(page, 'console-stage-blackout.png');
  await byTestId(page, 'blackout').click();
  await byTestId(page, 'stage-blackout').waitFor({ state: 'hidden', timeout: WAIT_MS });
  assert.deepEqual(errors, [], 'no page errors, no refused image');
  await context.close();
});

test('without a stage screen the panel says so instead of a broken image', { timeout: 60000 }, async () => {
  const daemon = await startDaemon({ config });
  daemons.push(daemon);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await consoleLogin(page, daemon.url, 'operator', PASSWORD);
  await page.waitForFunction(() => document.querySelector('[data-testid="stage-status"]')?.textContent === 'no stage screen',
    null, { timeout: WAIT_MS });
  assert.equal(await byTestId(page, 'stage-image').isVisible(), false);
  await context.close();
});
