// Browser tests of the phone page in each state of a show, against the real daemon and a
// phone-sized Chromium (390x844, touch): the cue's controls in the order its config lists them.
//
// Run: node --test tests/browser/phone_states.test.mjs
// Env: TUTTI_BIN (the daemon), TUTTI_BUILD_DIR (screenshots go to its screenshots/),
//      CHROMIUM (default /usr/bin/chromium; nothing is ever downloaded).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';

const WAIT_MS = 10000;
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
const SONG_POLL = { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'] };

let browser;
const daemons = new Set(); // stopped after each test, and at the end whatever happened

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const daemon of daemons) await daemon.stop();
});

async function daemonFor(venue, options = {}) {
  const daemon = await startDaemon({ config: writeConfig(venue), ...options });
  daemons.add(daemon);
  return daemon;
}

async function stop(daemon) {
  daemons.delete(daemon);
  return daemon.stop();
}

// A phone-sized page on @daemon's phone app, joined; page.errors collects script errors.
async function openPhone(daemon) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(daemon.url, { timeout: WAIT_MS });
  await waitForText(page, 'participant-id', (t) => /^p-/.test(t), 'joining', daemon, WAIT_MS);
  return page;
}

async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

// The cue's panels, top to bottom, by the control each one is.
const panelOrder = (page) => page.evaluate(
  () => [...document.querySelectorAll('[data-testid="controls"] > .panel')].map((p) => p.dataset.control));

test('the phone shows a cue\'s controls in the order its config lists them', { timeout: 60000 }, async () => {
  const daemon = await daemonFor(smallVenue({
    cues: [
      { id: 'mix', title: 'Everything', scene: 'poll', controls: ['text', 'vote', 'slider', 'tap'], poll: SONG_POLL },
      { id: 'steer', title: 'Steer', scene: 'crowd-map', controls: ['slider', 'xy'] },
    ],
  }));
  const page = await openPhone(daemon);
  try {
    await waitForText(page, 'cue-title', (t) => t === 'Everything', 'the first cue', daemon, WAIT_MS);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="controls"] > .panel').length === 4,
      null, { timeout: WAIT_MS });
    assert.deepEqual(await panelOrder(page), ['text', 'vote', 'slider', 'tap']);
    // The vote and the text box are on the first screen, not under the tap button.
    const voteTop = await byTestId(page, 'vote-option-0').evaluate((el) => el.getBoundingClientRect().top);
    const tapTop = await byTestId(page, 'tap-button').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(voteTop < tapTop, `the vote (${voteTop}px) is above the tap button (${tapTop}px)`);
    assert.ok(voteTop < 844, 'the vote is on the first screen');
    await screenshot(page, 'phone-order-390x844.png');
    assert.deepEqual(page.errors, [], 'no script errors on the page');
  } finally {
    await page.context().close().catch(() => {});
    await stop(daemon);
  }
});
