// Browser test of the audience phone app against the real daemon: a phone-sized Chromium
// joins, taps, votes, reloads, and must come back as the same participant with its vote.
//
// Run: node --test tests/browser/phone.test.mjs
// Env: TUTTI_BIN (the daemon), TUTTI_BUILD_DIR (screenshots go to its screenshots/),
//      CHROMIUM (default /usr/bin/chromium; nothing is ever downloaded).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, byTestId, closeAll, phoneContext, tapTimes, waitForText as waitForTextOf } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';

const WAIT_MS = 10000;
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue()) });
  browser = await launchChromium();
});

after(() => closeAll(browser, daemon));


const waitForText = (page, id, predicate, what) => waitForTextOf(page, id, predicate, what, daemon, WAIT_MS);

test('a phone joins, taps, votes and resumes after a reload', { timeout: 90000 }, async () => {
  const context = await phoneContext(browser);
  try {
    const page = await context.newPage();
    const pageErrors = [];
    const foreignRequests = [];
    const origin = new URL(daemon.url).origin;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('data:')) foreignRequests.push(url);
    });

    await page.goto(daemon.url, { timeout: WAIT_MS });

    // Joined: the anonymous participant id is shown.
    await waitForText(page, 'participant-id', (t) => /^\S+$/.test(t), 'joining');
    await byTestId(page, 'participant-id').waitFor({ state: 'visible', timeout: WAIT_MS });
    const participantId = (await byTestId(page, 'participant-id').textContent()).trim();
    await waitForText(page, 'cue-title', (t) => t === 'Play', 'the current cue');

    // Tap: the page counts our taps, the daemon acks them, and the crowd's taps/s rises.
    await tapTimes(page, 4, WAIT_MS);
    await waitForText(page, 'my-taps', (t) => t === '4', 'own tap count');
    await byTestId(page, 'counted').waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitForText(page, 'crowd-taps', (t) => Number.parseFloat(t) > 0, 'crowd taps/s from the daemon');

    // Vote for option 2 ("Encore"): selected at once, and the daemon's tally shows it.
    const encore = byTestId(page, 'vote-option-2');
    assert.match(await encore.textContent(), /Encore/);
    await encore.tap({ timeout: WAIT_MS });
    // Shown as chosen on the next frame, before the daemon has answered.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="vote-option-2"]')?.getAttribute('aria-pressed') === 'true',
      null, { timeout: 500 });
    await waitForText(page, 'vote-count-2', (t) => t === '1', 'Encore tally from the daemon');
    await waitForText(page, 'vote-count-0', (t) => t === '0', 'Anthem tally');
    // Wait until the vote is acknowledged, so the reload cannot race it.
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length === 0,
      null, { timeout: WAIT_MS });

    // Reload: the stored token resumes the same participant, with the vote still chosen.
    await page.reload({ timeout: WAIT_MS });
    await waitForText(page, 'participant-id', (t) => t.length > 0, 'joining again');
    assert.equal((await byTestId(page, 'participant-id').textContent()).trim(), participantId,
      'resumed as the same participant');
    await waitForText(page, 'vote-count-2', (t) => t === '1', 'Encore tally after the reload (no double vote)');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="vote-option-2"]')?.getAttribute('aria-pressed') === 'true',
      null, { timeout: WAIT_MS });
    assert.equal(await byTestId(page, 'vote-option-0').getAttribute('aria-pressed'), 'false');
    await waitForText(page, 'my-taps', (t) => t === '4', 'own tap count after the reload');

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-390x844.png') });

    assert.deepEqual(pageErrors, [], 'no script errors on the page');
    assert.deepEqual(foreignRequests, [], 'no request leaves the daemon\'s origin');
  } finally {
    await context.close().catch(() => {});
  }
});

test('a phone asks to be forgotten: its id goes, its vote stays as a count', { timeout: 90000 }, async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
  });
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(daemon.url, { timeout: WAIT_MS });
    await waitForText(page, 'participant-id', (t) => /^p-/.test(t), 'joining');
    const forgottenId = (await byTestId(page, 'participant-id').textContent()).trim();
    const before = Number(await byTestId(page, 'vote-count-1').textContent());
    await byTestId(page, 'vote-option-1').tap({ timeout: WAIT_MS });
    await waitForText(page, 'vote-count-1', (t) => Number(t) === before + 1, 'the vote counted');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length === 0,
      null, { timeout: WAIT_MS });

    // Asked first: cancelling keeps everything.
    await byTestId(page, 'forget-me').tap({ timeout: WAIT_MS });
    await byTestId(page, 'forget-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
    await byTestId(page, 'forget-cancel').tap({ timeout: WAIT_MS });
    await byTestId(page, 'forget-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => localStorage.getItem('tutti.id')), JSON.stringify(forgottenId));

    await byTestId(page, 'forget-me').tap({ timeout: WAIT_MS });
    await byTestId(page, 'forget-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-forget-me.png') });
    await byTestId(page, 'forget-confirm').tap({ timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.state === 'forgotten',
      null, { timeout: WAIT_MS });
    assert.match(await byTestId(page, 'overlay').textContent(), /forgotten/);
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tutti.'))), [],
      'the phone keeps nothing about the participant');
    // It does not come back on its own: no new participant the person did not ask for.
    await page.waitForTimeout(1500);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="status"]').dataset.state), 'forgotten');

    // Joining again makes someone new; the forgotten vote still counts, with no name on it.
    await byTestId(page, 'join-again').tap({ timeout: WAIT_MS });
    await waitForText(page, 'participant-id', (t) => /^p-/.test(t) && t !== forgottenId, 'a new participant');
    await waitForText(page, 'vote-count-1', (t) => Number(t) === before + 1, 'the anonymous vote');
    assert.equal(await byTestId(page, 'vote-option-1').getAttribute('aria-pressed'), 'false',
      'the new participant has not voted');
    assert.deepEqual(pageErrors, [], 'no script errors on the page');
  } finally {
    await context.close().catch(() => {});
  }
});
