// Browser test of the console with two browser contexts against the real daemon: the
// operator logs in at /console/ (after a wrong password is refused), presses GO and opens
// the poll; a phone (and two more phones over plain WebSockets) vote; the operator closes and
// reveals; the console and the phone both show the exact tally. A context with no cookie
// cannot open the console socket, and a login from a foreign Origin is refused.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, byTestId, waitForText as waitForTextOf } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
let daemon;
let browser;
const phones = [];

before(async () => {
  const hash = execFileSync(TUTTI_BIN, ['hash-password'], { input: `${PASSWORD}\n` }).toString().trim();
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hash },
    cues: [
      { id: 'intro', title: 'Doors', scene: 'title', controls: [] },
      { id: 'vote', title: 'Vote', scene: 'poll', controls: ['vote'],
        poll: { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'], open_with_cue: false },
        audio: { mappings: [{ source: 'poll_share:1', target: 'filter_cutoff', to: [500, 8000] }] } },
    ],
  })) });
  browser = await launchChromium();
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});


const waitForText = (page, id, predicate, what) => waitForTextOf(page, id, predicate, what, daemon, WAIT_MS);

test('the operator runs a poll from the console while phones vote', { timeout: 90000 }, async () => {
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const console_ = await desk.newPage();
    const errors = [];
    console_.on('pageerror', (e) => errors.push(e.message));
    await console_.goto(`${daemon.url}console/`, { timeout: WAIT_MS });

    // A wrong password is refused on the page.
    await byTestId(console_, 'password').fill('not the password');
    await byTestId(console_, 'login-button').click();
    await waitForText(console_, 'login-error', (t) => /wrong role or password/.test(t), 'the refusal');

    await byTestId(console_, 'password').fill(PASSWORD);
    await byTestId(console_, 'login-button').click();
    await waitForText(console_, 'current-cue', (t) => t.startsWith('1. Doors'), 'the live view');
    assert.equal(await byTestId(console_, 'login').isVisible(), false, 'the login form is gone');
    const cookies = await desk.cookies();
    const session = cookies.find((c) => c.name === 'tutti_console');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');

    // The phone joins; GO moves it to the vote cue; Open opens the poll on it.
    const phone = await phoneContext.newPage();
    await phone.goto(daemon.url, { timeout: WAIT_MS });
    await waitForText(phone, 'cue-title', (t) => t === 'Doors', 'the phone on the first cue');
    await byTestId(console_, 'go').click();
    await waitForText(console_, 'current-cue', (t) => t.startsWith('2. Vote'), 'GO on the console');
    await waitForText(phone, 'cue-title', (t) => t === 'Vote', 'GO on the phone');
    await byTestId(console_, 'poll-open').click();
    const ballad = byTestId(phone, 'vote-option-1');
    await ballad.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page_waitEnabled(phone, 'vote-option-1');
    await ballad.tap({ timeout: WAIT_MS });
    for (const choice of [0, 1]) {
      const p = new Phone(daemon.wsUrl);
      phones.push(p);
      await p.hello();
      p.vote('song', choice);
    }
    await waitForText(console_, 'tally-1', (t) => t.endsWith('2'), 'Ballad counted on the console');

    // Close holds the result; Reveal shows the winner on the console and the phone.
    await byTestId(console_, 'poll-close').click();
    await waitForText(console_, 'poll-question', (t) => /closed, held/.test(t), 'the held result');
    await byTestId(console_, 'poll-reveal').click();
    await waitForText(console_, 'poll-question', (t) => /revealed/.test(t), 'the reveal');
    await waitForText(console_, 'tally-0', (t) => /^Anthem\s*1$/.test(t), 'Anthem on the console');
    await waitForText(console_, 'tally-1', (t) => /^Ballad ★\s*2$/.test(t), 'the winner on the console');
    await waitForText(phone, 'vote-count-1', (t) => t === '2', 'Ballad on the phone');
    await waitForText(phone, 'vote-count-0', (t) => t === '1', 'Anthem on the phone');
    // The co-creation mix: the artist's value plus a quarter of the crowd's move.
    const slider = byTestId(console_, 'mix-0');
    await slider.fill('0.25');
    await slider.dispatchEvent('change');
    await waitUntil(() => /mix\.set at [\d.]+: ok/.test(daemon.output()), 'mix.set accepted');
    // The artist's own value: the cutoff slider (a log scale) to its middle is about 632 Hz.
    const cutoff = byTestId(console_, 'artist-filter_cutoff');
    await cutoff.fill('0.5');
    await cutoff.dispatchEvent('change');
    await waitUntil(() => /artist\.control at [\d.]+: ok/.test(daemon.output()), 'artist.control accepted');
    await cutoff.blur(); // a control under the operator's hand is never redrawn
    await waitForText(console_, 'artist-filter_cutoff-value', (t) => t === '632 Hz (cue: 20.0 kHz)', 'the artist value shown');

    // Moderation: the phone is listed by its id; Remove closes it with 4003 and the page says so.
    const id = (await byTestId(phone, 'participant-id').textContent()).trim();
    const row = console_.locator('#recent li', { hasText: id });
    await row.waitFor({ state: 'visible', timeout: WAIT_MS });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await console_.screenshot({ path: join(SCREENSHOT_DIR, 'console-1280x800.png'), fullPage: true });
    // Remove takes two taps: the first only arms it.
    await byTestId(console_, `kick-${id}`).click();
    await waitForText(console_, `kick-${id}`, (t) => /Tap again/.test(t), 'Remove armed');
    await byTestId(console_, `kick-${id}`).click();
    await waitForText(phone, 'overlay', (t) => /removed you/.test(t), 'the removed phone');
    assert.deepEqual(errors, []);
  } finally {
    await desk.close().catch(() => {});
    await phoneContext.close().catch(() => {});
  }
});

async function waitUntil(check, what) {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function page_waitEnabled(page, id) {
  await page.waitForFunction((sel) => !document.querySelector(sel)?.disabled, `[data-testid="${id}"]`,
    { timeout: WAIT_MS });
}

test('no cookie, no console socket; a foreign Origin cannot log in', { timeout: 30000 }, async () => {
  const stranger = await browser.newContext();
  try {
    const page = await stranger.newPage();
    await page.goto(`${daemon.url}console/`, { timeout: WAIT_MS });
    const opened = await page.evaluate(() => new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/`, 'tutti.console.v1');
      ws.onopen = () => resolve(true);
      ws.onclose = () => resolve(false);
    }));
    assert.equal(opened, false, 'the console socket needs a session');
    const foreign = await page.request.post(`${daemon.url}console/login`, {
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      data: { role: 'operator', password: PASSWORD },
    });
    assert.equal(foreign.status(), 403);
    assert.equal(foreign.headers()['set-cookie'], undefined);
  } finally {
    await stranger.close().catch(() => {});
  }
});
