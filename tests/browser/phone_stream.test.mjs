// Browser tests of the phone page on the state stream (tutti.audience.v2), against the real
// daemon and a phone-sized Chromium: a page that is hidden says so (`visibility`), gets a state
// every two seconds only, stays live all the while (its dead-link watchdog outwaits the hidden
// rate), and shown again says so and gets the whole show at once; a beat grid (`beat`, slipped
// into the daemon's own stream, since the daemon needs a live input with a steady beat to send
// one) flashes the page on every flash-th beat, never twice within flash × ms, and never under
// reduced motion.
//
// Run: node --test tests/browser/phone_stream.test.mjs
// Env: TUTTI_BIN (the daemon), CHROMIUM (default /usr/bin/chromium; nothing is ever downloaded).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId, closeAll, phoneContext, waitForText as waitForTextOf } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';

const WAIT_MS = 10000;

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue()) });
  browser = await launchChromium();
});

after(() => closeAll(browser, daemon));

const waitForText = (page, id, predicate, what) => waitForTextOf(page, id, predicate, what, daemon, WAIT_MS);
const status = (page) => page.evaluate(() => document.querySelector('[data-testid="status"]').dataset.state);


// The page as the Page Visibility API would show it with the screen locked (@hidden) or on again.
function setHidden(page, hidden) {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

// Polls @check until it returns something truthy; fails saying @what after @timeoutMs.
async function until(check, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a hidden page says so and gets a state every 2 s, stays live, and shown again gets the whole show',
  { timeout: 60000 }, async () => {
    const context = await phoneContext(browser);
    try {
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const sent = [];
      const states = []; // { at, message }
      page.on('websocket', (ws) => {
        ws.on('framesent', ({ payload }) => sent.push(JSON.parse(payload)));
        ws.on('framereceived', ({ payload }) => {
          const message = JSON.parse(payload);
          if (message.type === 's') states.push({ at: Date.now(), message });
        });
      });
      await page.goto(daemon.url, { timeout: WAIT_MS });
      await waitForText(page, 'cue-title', (t) => t === 'Play', 'the current cue');
      assert.ok(states[0]?.message.show, 'the first state carries the whole show');

      await setHidden(page, true);
      await until(() => sent.some((m) => m.type === 'visibility' && m.hidden === true), 'visibility hidden sent');
      await page.waitForTimeout(1000); // states already on their way
      const from = states.length;
      await page.waitForTimeout(10000);
      const hiddenStates = states.length - from;
      assert.ok(hiddenStates >= 3 && hiddenStates <= 7, `${hiddenStates} states in 10 s hidden (one every 2 s)`);
      assert.equal(await status(page), 'live', 'the watchdog outwaits the hidden rate');

      const shownAt = Date.now();
      const shownFrom = states.length;
      await setHidden(page, false);
      await until(() => sent.some((m) => m.type === 'visibility' && m.hidden === false), 'visibility shown sent');
      const full = await until(() => states.slice(shownFrom).find((s) => s.message.show), 'the whole show once shown');
      assert.ok(full.at - shownAt < 1000, `the show came ${full.at - shownAt} ms after the page was shown`);
      await page.waitForTimeout(2000);
      const shownStates = states.slice(shownFrom).filter((s) => s.at > shownAt + 1000).length;
      assert.ok(shownStates >= 4, `${shownStates} states in the second after shown (calm rate, 4 a second)`);
      assert.deepEqual(pageErrors, [], 'no script errors on the page');
    } finally {
      await context.close().catch(() => {});
    }
  });

// Opens the phone page with the daemon's stream passed through, a beat grid of @ms and @flash
// slipped into its first state (and any beat of the daemon's own left out); resolves to the page,
// which records in window.flashTimes the moment of each beat flash.
async function pageWithBeat(context, { ms, flash }) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.flashTimes = [];
    const add = DOMTokenList.prototype.add;
    DOMTokenList.prototype.add = function addRecorded(...tokens) {
      if (tokens.includes('beat-flash')) window.flashTimes.push(performance.now());
      return add.apply(this, tokens);
    };
  });
  await page.routeWebSocket((url) => url.port === String(daemon.port), (ws) => {
    const server = ws.connectToServer();
    let welcomeT = null;
    let slipped = false;
    ws.onMessage((message) => server.send(message));
    server.onMessage((text) => {
      const message = JSON.parse(text);
      if (message.type === 'welcome') welcomeT = message.t;
      if (message.type === 's') {
        delete message.beat;
        if (!slipped && welcomeT !== null) {
          message.beat = { at: welcomeT + 1000, ms, flash };
          slipped = true;
        }
      }
      ws.send(JSON.stringify(message));
    });
  });
  await page.goto(daemon.url, { timeout: WAIT_MS });
  await waitForText(page, 'cue-title', (t) => t === 'Play', 'the current cue');
  return page;
}

test('a beat grid flashes the page on every flash-th beat, never closer than flash × ms', { timeout: 60000 },
  async () => {
    const context = await phoneContext(browser, { reducedMotion: 'no-preference' });
    try {
      const page = await pageWithBeat(context, { ms: 300, flash: 2 });
      await page.waitForTimeout(4500);
      const times = await page.evaluate(() => window.flashTimes);
      assert.ok(times.length >= 5 && times.length <= 8, `${times.length} flashes in 4.5 s of a 600 ms flash grid`);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      assert.ok(Math.min(...gaps) >= 599, `flashes ${Math.min(...gaps).toFixed(1)} ms apart`);
      assert.ok(Math.max(...gaps) < 1300, `a gap of ${Math.max(...gaps).toFixed(1)} ms: beats were lost`);
    } finally {
      await context.close().catch(() => {});
    }
  });

test('under reduced motion the beat grid never flashes', { timeout: 60000 }, async () => {
  const context = await phoneContext(browser, { reducedMotion: 'reduce' });
  try {
    const page = await pageWithBeat(context, { ms: 300, flash: 1 });
    await page.waitForTimeout(3000);
    assert.deepEqual(await page.evaluate(() => window.flashTimes), []);
    assert.equal(await status(page), 'live');
  } finally {
    await context.close().catch(() => {});
  }
});
