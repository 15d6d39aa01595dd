// Browser test of the phone's poll under the show caller's hand: results held back for the reveal
// show no counts on the phone, a reset clears the phone's choice and lets it vote again, and an
// ad-hoc poll made up on the console reaches the phone in a cue that had no vote.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { consoleSocket } from '../lib/console.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
let daemon;
let browser;

before(async () => {
  const hash = execFileSync(TUTTI_BIN, ['hash-password'], { input: `${PASSWORD}\n` }).toString().trim();
  daemon = await startDaemon({
    config: writeConfig(smallVenue({
      console: { operator_password_hash: hash },
      cues: [
        { id: 'vote', title: 'Vote', scene: 'poll', controls: ['vote'],
          poll: { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'], hide_results: true } },
        { id: 'talk', title: 'Between songs', scene: 'title', controls: [] },
      ],
    })),
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});

const shows = (page, id, predicate, what) => waitForText(page, id, predicate, what, daemon, WAIT_MS);

test('a phone sees no counts until the reveal, votes again after a reset, and gets an ad-hoc poll',
  { timeout: 90000 }, async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
    });
    const op = await consoleSocket(daemon, PASSWORD);
    try {
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(daemon.url, { timeout: WAIT_MS });
      await shows(page, 'poll-question', (t) => t === 'Which song?', 'the poll');
      await byTestId(page, 'vote-option-2').tap({ timeout: WAIT_MS });
      await page.waitForFunction(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length === 0,
        null, { timeout: WAIT_MS });
      // Held back: no counts, and the phone says when they come.
      await shows(page, 'poll-status', (t) => /results at the reveal/.test(t), 'no counts while hidden');
      assert.equal((await byTestId(page, 'vote-count-2').textContent()).trim(), '');
      assert.equal((await op.command({ cmd: 'poll.reveal', poll: 'song' })).ok, true);
      await shows(page, 'vote-count-2', (t) => t === '1', 'the count at the reveal');
      await shows(page, 'poll-status', (t) => /Encore wins/.test(t), 'the winner');

      // Reset and run it again: the phone's choice is gone and it may vote anew.
      assert.equal((await op.command({ cmd: 'poll.reset', poll: 'song' })).ok, true);
      assert.equal((await op.command({ cmd: 'poll.hide', poll: 'song', on: false })).ok, true);
      assert.equal((await op.command({ cmd: 'poll.open', poll: 'song' })).ok, true);
      await shows(page, 'vote-count-2', (t) => t === '0', 'fresh tallies');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="vote-option-2"]')?.getAttribute('aria-pressed') === 'false',
        null, { timeout: WAIT_MS });
      await byTestId(page, 'vote-option-0').tap({ timeout: WAIT_MS });
      await shows(page, 'vote-count-0', (t) => t === '1', 'a vote in the new round');

      // A cue with no vote; the console asks the crowd anyway.
      assert.equal((await op.command({ cmd: 'cue.go' })).ok, true);
      await shows(page, 'cue-title', (t) => t === 'Between songs', 'the next cue');
      const made = await op.command({ cmd: 'poll.create', question: 'One more?', options: ['Yes', 'No'] });
      assert.equal(made.ok, true, made.message);
      await shows(page, 'poll-question', (t) => t === 'One more?', 'the ad-hoc poll on the phone');
      await byTestId(page, 'vote-option-0').tap({ timeout: WAIT_MS });
      await shows(page, 'vote-count-0', (t) => t === '1', 'a vote in the ad-hoc poll');
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-adhoc-poll.png') });
      assert.deepEqual(pageErrors, [], 'no script errors on the page');
    } finally {
      op.close();
      await context.close().catch(() => {});
    }
  });
