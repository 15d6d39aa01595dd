// Browser test of the two roles side by side, against the real daemon: the operator's console
// at 1440x900 and the artist's on a 1024x768 touch screen. It proves the artist's console has
// no safety panel, moderation, crowd text or panic key (the daemon would refuse them anyway),
// yet shows the safety banner; the venue's alarms reach both, and only the operator can
// acknowledge them; and when one role moves the cue, the other sees it called out in the top
// bar and highlighted in the activity feed.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';
import { consoleLogin, hashPassword, screenshot } from '../lib/console.mjs';

const WAIT_MS = 10000;
const OPERATOR = 'front of house';
const ARTIST = 'on stage';
let daemon;
let browser;
let operator;
let artist;
let phone;
const errors = [];

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    capacity: 1,	// one phone fills it: the venue_full alarm
    zones: [{ id: 'floor', name: 'Floor', capacity: 1 }],
    console: { operator_password_hash: hashPassword(OPERATOR), artist_password_hash: hashPassword(ARTIST) },
    cues: ['One', 'Two', 'Three'].map((title) => ({ id: title.toLowerCase(), title, scene: 'title' })),
  })) });
  browser = await launchChromium();
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 }, isMobile: true, hasTouch: true });
  operator = await desk.newPage();
  artist = await tablet.newPage();
  for (const [name, page] of [['operator', operator], ['artist', artist]]) page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  await consoleLogin(operator, daemon.url, 'operator', OPERATOR);
  await consoleLogin(artist, daemon.url, 'artist', ARTIST);
});

after(async () => {
  phone?.ws.terminate();
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});

const shows = (page, id, re, what) => waitForText(page, id, (t) => re.test(t), what, daemon, WAIT_MS);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('the artist\'s console has no safety panel, moderation, crowd text or panic, but sees the safety banner', { timeout: 60000 }, async () => {
  await shows(artist, 'whoami', /^artist$/, 'the artist logged in');
  for (const id of ['safety', 'moderation', 'texts']) {
    assert.equal(await byTestId(artist, id).isVisible(), false, `no ${id} for the artist`);
    assert.equal(await byTestId(operator, id).isVisible(), true, `${id} for the operator`);
  }
  assert.doesNotMatch(await byTestId(artist, 'keys').innerText(), /Esc/, 'no panic key in the artist\'s legend');
  await artist.keyboard.press('Escape');
  await pause(800);
  assert.doesNotMatch(daemon.output(), /safety\.fade/, 'Esc sends nothing from the artist\'s console');

  await byTestId(operator, 'fade').click();
  await shows(artist, 'safety-banner', /FADE TO SILENCE is on/, 'the banner on the artist\'s console');
  // The operator's toggle says ON once its own live view has the fade; a click before that asks for it again.
  await operator.waitForFunction(() => document.querySelector('[data-testid="fade"]').getAttribute('aria-pressed') === 'true',
    null, { timeout: WAIT_MS });
  await byTestId(operator, 'fade').click();
  await artist.waitForFunction(() => document.querySelector('[data-testid="safety-banner"]').hidden, null, { timeout: WAIT_MS });
});

test('the venue\'s alarms reach both consoles; only the operator acknowledges them', { timeout: 60000 }, async () => {
  phone = new Phone(daemon.wsUrl);
  await phone.hello();
  await shows(operator, 'alarm-pill', /^⚠ 1 alarm$/, 'the alarm on the operator\'s bar');
  await shows(artist, 'alarm-pill', /^⚠ 1 alarm$/, 'the alarm on the artist\'s bar');
  await shows(artist, 'alarms', /the venue acknowledges it/, 'the artist told who acknowledges');
  assert.equal(await byTestId(artist, 'ack-venue_full').count(), 0, 'no Acknowledge for the artist');
  await screenshot(artist, 'console-artist-1024x768.png');
  await byTestId(operator, 'ack-venue_full').click();
  await shows(operator, 'alarms-feedback', /^✓ Acknowledged: venue_full$/, 'answered beside the alarms');
  await shows(artist, 'alarms', /\(acknowledged\)/, 'acknowledged on the artist\'s console too');
  await artist.waitForFunction(() => document.querySelector('[data-testid="alarm-pill"]').hidden, null, { timeout: WAIT_MS });
});

test('when one role moves the cue, the other sees it called out', { timeout: 60000 }, async () => {
  await byTestId(artist, 'go').tap();
  await shows(artist, 'current-cue', /^2\. Two$/, 'the artist\'s GO');
  await shows(operator, 'callout', /^The artist moved the cue: GO → 2\. Two \(\d\d:\d\d:\d\d\)$/, 'the call-out to the operator');
  const news = operator.locator('[data-testid="activity"] li.news');
  await news.first().waitFor({ timeout: WAIT_MS });
  assert.match(await news.first().textContent(), /artist: GO → 2\. Two$/);
  assert.equal(await byTestId(artist, 'callout').isVisible(), false, 'nobody is told of their own move');
  await screenshot(operator, 'console-callout-1440x900.png');

  await byTestId(operator, 'go').click();
  await shows(artist, 'callout', /^The operator moved the cue: GO → 3\. Three/, 'the call-out to the artist');
  await shows(operator, 'activity', /operator: GO → 3\. Three/, 'the operator\'s own move in its feed');
  assert.equal(await operator.locator('[data-testid="activity"] li.news').count(), 1, 'its own move is not news');
  assert.deepEqual(errors, []);
});
