// Browser test of crowd text from a phone to the stage screen, moderated on a tablet: a phone
// (Chromium, touch) sends a message on a text cue; the operator's console, in a tablet-sized
// touch context, sees it waiting with the exact words and taps Approve; the phone hears it is
// on the big screen and the stage screen's still shows its card; a banned word is stopped
// before it reaches the queue; Take down clears the screen again.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
const MESSAGE = 'Happy birthday Sam! 🎂 from row J';
const SHOWN = 'Happy birthday Sam! from row J'; // the stage font has no emoji: the queue shows what the screen will
const CARD_COLOR = '#22C8FF'; // the newest card's bar on the wall scene (stage_scene.c's palette[0])
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
const stills = mkdtempSync(join(tmpdir(), 'tutti-wall-'));
let daemon;
let browser;

before(async () => {
  const hash = execFileSync(TUTTI_BIN, ['hash-password'], { input: `${PASSWORD}\n` }).toString().trim();
  daemon = await startDaemon({
    config: writeConfig(smallVenue({
      console: { operator_password_hash: hash },
      moderation: { banned_words: ['boo'], text_interval_s: 2, text_max_chars: 80 },
      cues: [{ id: 'shout', title: 'Say hello', scene: 'wall', controls: ['text'] }],
    })),
    args: ['--stage', 'offscreen', '--stage-png', stills, '--stage-png-every', '0.2', '--stage-size', '640x360'],
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
  rmSync(stills, { recursive: true, force: true });
});

async function waitFor(check, what) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  for (;;) {
    last = await check().catch((e) => e.message);
    if (last === true) return;
    if (Date.now() > deadline) throw new Error(`${what}: last saw ${JSON.stringify(last)}\n${daemon.output().slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const shows = (page, id, re, what) => waitForText(page, id, (t) => re.test(t), what, daemon, WAIT_MS);

// Pixels of the card colour in the stage screen's latest still.
function cardPixels() {
  const txt = execFileSync('/usr/bin/convert', [join(stills, 'latest.png'), 'txt:-'], { maxBuffer: 64 << 20 }).toString();
  return txt.split('\n').filter((line) => line.includes(CARD_COLOR)).length;
}

test('a phone\'s message waits for the operator on a tablet, then goes on the stage screen', { timeout: 90000 }, async () => {
  const tablet = await browser.newContext({ viewport: { width: 820, height: 1180 }, isMobile: true, hasTouch: true });
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const desk = await tablet.newPage();
    const phone = await phoneContext.newPage();
    const errors = [];
    desk.on('pageerror', (e) => errors.push(`console: ${e.message}`));
    phone.on('pageerror', (e) => errors.push(`phone: ${e.message}`));

    await desk.goto(`${daemon.url}console/`, { timeout: WAIT_MS });
    await byTestId(desk, 'password').fill(PASSWORD);
    await byTestId(desk, 'login-button').tap();
    await shows(desk, 'current-cue', /^1\. Say hello/, 'the live view on the tablet');
    await shows(desk, 'texts-summary', /^0 waiting/, 'an empty queue');

    await phone.goto(daemon.url, { timeout: WAIT_MS });
    const input = byTestId(phone, 'text-input');
    await input.waitFor({ state: 'visible', timeout: WAIT_MS });
    await input.fill(MESSAGE);
    await shows(phone, 'text-counter', new RegExp(`^${[...MESSAGE].length}/80$`), 'the character count');
    await byTestId(phone, 'text-send').tap();
    await shows(phone, 'text-status', /Waiting for the moderators/, 'the phone waiting');
    assert.equal(await input.inputValue(), '', 'the sent draft is cleared');

    // The operator sees the words the screen will show; nothing is on the screen yet.
    await shows(desk, 'texts-summary', /^1 waiting/, 'the message in the queue');
    const pending = desk.locator('[data-testid^="pending-"]');
    assert.equal(await pending.count(), 1);
    assert.equal((await pending.locator('q').textContent()).trim(), SHOWN);
    await waitFor(async () => cardPixels() === 0 || `card pixels ${cardPixels()}`, 'an empty wall before approval');

    // A banned word never reaches the queue, and the phone is told so in place.
    await input.fill('B O O to the support act');
    await waitFor(async () => !(await byTestId(phone, 'text-send').isDisabled()) || 'still waiting', 'the interval');
    await byTestId(phone, 'text-send').tap();
    await shows(phone, 'text-status', /can't go on the screen/, 'the filter on the phone');
    await shows(desk, 'texts-summary', /1 stopped by the word filter/, 'the filter counted on the console');
    assert.equal(await pending.count(), 1);

    // Approve with a tap: the phone hears it and the stage shows the card.
    await pending.getByText('Approve').tap();
    await shows(phone, 'text-status', /on the big screen/, 'the verdict on the phone');
    await shows(desk, 'texts-summary', /^0 waiting · 1 approved/, 'the queue emptied');
    const shown = desk.locator('[data-testid^="shown-"]');
    await waitFor(async () => (await shown.count()) === 1 || 'not listed', 'the wall listed on the console');
    assert.equal((await shown.locator('q').textContent()).trim(), SHOWN);
    await waitFor(async () => cardPixels() > 40 || `card pixels ${cardPixels()}`, 'the card on the stage screen');

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await desk.screenshot({ path: join(SCREENSHOT_DIR, 'console-tablet-820x1180.png'), fullPage: true });
    await phone.screenshot({ path: join(SCREENSHOT_DIR, 'phone-text-390x844.png'), fullPage: true });
    execFileSync('cp', [join(stills, 'latest.png'), join(SCREENSHOT_DIR, 'stage-wall-640x360.png')]);

    // Take down: the card leaves the screen.
    await shown.getByText('Take down').tap();
    await waitFor(async () => (await shown.count()) === 0 || 'still listed', 'the wall cleared on the console');
    await waitFor(async () => cardPixels() === 0 || `card pixels ${cardPixels()}`, 'the card gone from the stage');
    assert.deepEqual(errors, []);
  } finally {
    await tablet.close().catch(() => {});
    await phoneContext.close().catch(() => {});
  }
});
