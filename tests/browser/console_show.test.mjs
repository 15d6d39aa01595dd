// Browser test of the console as a show caller uses it, against the real daemon: one operator's
// console in Chromium at 1440x900 through a three-cue show (Doors follows on by itself after a
// minute; Vote has a poll and a crowd mapping; Outro is the last cue), with phones over plain
// WebSockets. It proves the top bar stays on screen with the current cue, the standby cue, GO
// and the countdown to the auto-follow, which Hold stops and Resume runs on; Space is GO, B
// Back, H Hold / Resume and Esc the panic fade, never while typing; a refused command shows its
// reason next to its control; the poll's counts can be hidden from phones until the reveal, and
// Reset starts a fresh round; a new question asked from the console reaches every phone; the
// mix and artist sliders are named in words and valued in units, with Reset; the safety banner
// names fade and blackout in words; every command about the show carries the cue on screen and
// names its poll; and on a tablet in either orientation the desk has no sideways scroll and no
// control under 44 px.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId, waitForText as waitForTextOf } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';
import { consoleLogin, hashPassword, screenshot, sidewaysScroll, smallTargets } from '../lib/console.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
let daemon;
let browser;
let desk;
let page;
const errors = [];
const sent = [];	// every command the console sent, parsed
const phones = [];

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hashPassword(PASSWORD) },
    cues: [
      { id: 'intro', title: 'Doors', scene: 'title', controls: ['tap'], advance_after_s: 60 },
      { id: 'vote', title: 'Vote', scene: 'poll', controls: ['vote'],
        poll: { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'], open_with_cue: false },
        audio: { mappings: [{ source: 'poll_share:1', target: 'filter_cutoff', to: [500, 8000] }] } },
      { id: 'outro', title: 'Outro', scene: 'title', controls: [] },
    ],
  })) });
  browser = await launchChromium();
  desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await desk.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(JSON.parse(frame.payload))));
  await consoleLogin(page, daemon.url, 'operator', PASSWORD);
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});

const waitForText = (id, predicate, what) => waitForTextOf(page, id, predicate, what, daemon, WAIT_MS);
const shows = (id, re, what) => waitForText(id, (t) => re.test(t), what);
const seconds = (text) => { const [, m, s] = text.match(/(\d+):(\d\d)/); return Number(m) * 60 + Number(s); };
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cueCommands = () => (daemon.output().match(/ cue\.(go|back|jump) at /g) || []).length;

// Whether @id is on screen and nothing covers its middle.
const onScreen = (id) => page.evaluate((testid) => {
  const el = document.querySelector(`[data-testid="${testid}"]`);
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}, id);

const scrollToBottom = () => page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));

test('the top bar shows the cue, the standby cue and the auto-follow; Hold stops it, Resume runs it on', { timeout: 60000 }, async () => {
  await shows('current-cue', /^1\. Doors$/, 'the current cue');
  await shows('standby', /^2\. Vote$/, 'the standby cue');
  const first = seconds(await shows('follow', /^in 0:5\d → 2\. Vote$/, 'the countdown'));
  await pause(1500);
  assert.ok(seconds(await byTestId(page, 'follow').textContent()) < first, 'the countdown runs');

  // Scrolled to the foot of the page, GO and the cue are still on screen, uncovered.
  await scrollToBottom();
  assert.ok(await onScreen('go'), 'GO stays on screen');
  assert.ok(await onScreen('current-cue'), 'the current cue stays on screen');
  await screenshot(page, 'console-bar-scrolled-1440x900.png', { viewport: true });

  await byTestId(page, 'hold').click();
  const held = await shows('follow', /^HELD at 0:\d\d → 2\. Vote$/, 'the held countdown');
  await shows('show-feedback', /^✓ Held/, 'Hold answered next to GO');
  assert.equal(await byTestId(page, 'hold').getAttribute('aria-pressed'), 'true');
  assert.equal((await byTestId(page, 'hold').textContent()).trim(), 'Resume');
  await pause(1500);
  assert.equal((await byTestId(page, 'follow').textContent()).trim(), held, 'a held countdown stands');
  await byTestId(page, 'hold').click();
  await shows('follow', /^in 0:\d\d → 2\. Vote$/, 'the countdown running again');
  assert.equal(await byTestId(page, 'hold').getAttribute('aria-pressed'), 'false');
  await screenshot(page, 'console-show-1440x900.png');
});

test('Space is GO, B Back, H Hold / Resume, and none fires while typing', { timeout: 60000 }, async () => {
  const legend = (await byTestId(page, 'keys').textContent()).replace(/\s+/g, ' ');
  for (const words of ['Space GO', 'B Back', 'H Hold / Resume', 'Esc Fade to silence']) assert.ok(legend.includes(words), legend);

  // Typing in a field is text, not a command.
  const before_ = cueCommands();
  await byTestId(page, 'find-participant').pressSequentially('p 1 b h');
  await pause(800);
  assert.equal(cueCommands(), before_, 'no cue command while typing');
  await shows('current-cue', /^1\. Doors$/, 'still on Doors');
  assert.equal(await byTestId(page, 'find-participant').inputValue(), 'p 1 b h');
  await byTestId(page, 'find-participant').fill('');

  // Space with a button focused is GO, and does not press that button (here: Log out).
  await page.locator('#logout').focus();
  await page.keyboard.press('Space');
  await shows('current-cue', /^2\. Vote$/, 'Space went on to Vote');
  await pause(500);
  assert.equal(await byTestId(page, 'login').isVisible(), false, 'Space did not press Log out');
  await page.keyboard.press('b');
  await shows('current-cue', /^1\. Doors$/, 'B went back');
  await page.keyboard.press('h');
  await shows('follow', /^HELD at/, 'H held the auto-follow');
  await page.keyboard.press('h');
  await shows('follow', /^in /, 'H resumed it');
  await page.keyboard.press('Space');
  await shows('current-cue', /^2\. Vote$/, 'on to Vote again');
});

test('a refused command shows its reason next to the control that sent it', { timeout: 60000 }, async () => {
  await byTestId(page, 'poll-open').click();
  await shows('poll-feedback', /^✓ Opened \(song\)$/, 'Open answered');
  await shows('poll-question', /open$/, 'the poll open');
  await byTestId(page, 'poll-veto').click();
  await shows('poll-feedback', /^✗ Not done: close poll "song" before vetoing it$/, 'the refusal in words');
  // The answer is beside the poll's buttons, not at the foot of the page.
  const veto = await byTestId(page, 'poll-veto').boundingBox();
  const answer = await byTestId(page, 'poll-feedback').boundingBox();
  assert.ok(Math.abs(answer.y - veto.y) < 200 && Math.abs(answer.x - veto.x) < 400, `answer at ${answer.x},${answer.y}, veto at ${veto.x},${veto.y}`);
  assert.doesNotMatch(await byTestId(page, 'show-feedback').textContent(), /vetoing/, 'not under GO');
  await byTestId(page, 'poll-close').click();
  await shows('poll-question', /closed, held$/, 'the poll closed');

  await byTestId(page, 'go').click();
  await shows('current-cue', /^3\. Outro$/, 'on to the last cue');
  await shows('standby', /^none: the last cue$/, 'no standby on the last cue');
  await shows('follow', /^none: waits for GO$/, 'no auto-follow');
  assert.equal(await byTestId(page, 'hold').isDisabled(), true, 'nothing to hold');
  await byTestId(page, 'go').click();
  await shows('show-feedback', /^✗ Not done: "outro" is the last cue$/, 'GO refused in words, under GO');
  await byTestId(page, 'back').click();
  await shows('current-cue', /^2\. Vote$/, 'back to Vote');
});

test('poll: hide the counts from phones until the reveal; Reset starts a fresh round', { timeout: 60000 }, async () => {
  await byTestId(page, 'poll-open').click();
  await shows('poll-question', /open$/, 'the poll open again');
  const phone = new Phone(daemon.wsUrl);
  phones.push(phone);
  await phone.hello();
  phone.vote('song', 1);
  await shows('tally-1', /^Ballad\s*1$/, 'the vote counted');

  await byTestId(page, 'poll-hide').click();
  await shows('poll-hide', /^Hide results until Reveal: ON$/, 'the toggle says it is on');
  assert.equal(await byTestId(page, 'poll-hide').getAttribute('aria-pressed'), 'true');
  await shows('poll-status', /phones and the stage see no counts until the reveal/, 'the state in words');
  const hidden = await phone.waitForNext((m) => m.type === 'state' && m.poll?.hidden, 'a hidden poll on the phone');
  assert.deepEqual(hidden.poll.tallies, [0, 0, 0], 'phones see zeros');
  await shows('tally-1', /^Ballad\s*1$/, 'the console still sees the count');

  // Reset takes two taps: the first only arms it.
  await byTestId(page, 'poll-reset').click();
  await shows('poll-reset', /^Reset\? Tap again$/, 'Reset armed');
  await pause(600);
  await shows('tally-1', /^Ballad\s*1$/, 'nothing reset yet');
  await byTestId(page, 'poll-reset').click();
  await shows('poll-feedback', /^✓ Reset/, 'Reset answered');
  await shows('tally-1', /^Ballad\s*0$/, 'every vote gone');
  await shows('poll-status', /^Round 2 · 0 votes/, 'a new round');
  await shows('poll-question', /closed, held$/, 'closed after the reset');

  // A fresh round: open, the same phone votes again and counts once.
  await byTestId(page, 'poll-open').click();
  await shows('poll-question', /open$/, 'the new round open');
  phone.vote('song', 2);
  await shows('tally-2', /^Encore\s*1$/, 'the new vote counted');
  await shows('tally-1', /^Ballad\s*0$/, 'the old vote stays gone');
  await byTestId(page, 'poll-reveal').click();
  await shows('poll-question', /revealed$/, 'revealed');
  const shown = await phone.waitForNext((m) => m.type === 'state' && m.poll?.revealed && !m.poll.hidden, 'the counts on the phone');
  assert.deepEqual(shown.poll.tallies, [0, 0, 1], 'the reveal shows phones the counts');
  await byTestId(page, 'poll-hide').click();
  await shows('poll-hide', /^Hide results until Reveal: off$/, 'the toggle off again');
});

test('a new question asked from the console goes to every phone, over the cue\'s own poll', { timeout: 60000 }, async () => {
  await page.locator('[data-testid="ask"] summary').click();
  await byTestId(page, 'ask-question').fill('Encore or home?');
  await byTestId(page, 'ask-options').fill('Encore');
  await byTestId(page, 'ask-button').click();
  await shows('ask-feedback', /^✗ Not done: a poll has 2 to 8 "options"$/, 'one option refused in words');
  await byTestId(page, 'ask-options').fill('Encore\n  Home \n\n');
  await byTestId(page, 'ask-button').click();
  await shows('ask-feedback', /^✓ Asked: Encore or home\?$/, 'asked');
  assert.equal(await byTestId(page, 'ask-question').inputValue(), '', 'the form is cleared for the next one');
  await shows('poll-name', /^ad-hoc adhoc-1$/, 'the ad-hoc poll named');
  await shows('poll-question', /^Encore or home\? — open$/, 'the question open');
  await shows('poll-status', /the cue's poll “Which song\?” goes on underneath/, 'the cue\'s poll still there');
  const phone = phones[0];
  await phone.waitForNext((m) => m.type === 'state' && m.poll?.question === 'Encore or home?', 'the question on the phone');
  phone.vote('adhoc-1', 0);
  await shows('tally-0', /^Encore\s*1$/, 'the vote counted');
  await byTestId(page, 'poll-close').click();
  await shows('poll-feedback', /^✓ Closed: the result is held for the reveal \(adhoc-1\)$/, 'the ad-hoc poll closed by its id');
  await byTestId(page, 'go').click();
  await shows('current-cue', /^3\. Outro$/, 'the next cue');
  await byTestId(page, 'back').click();
  await shows('poll-name', /^song$/, 'the cue\'s poll again');
});

test('mix and artist sliders are named in words, valued in units, and reset to the config', { timeout: 60000 }, async () => {
  const mix = page.locator('#mix .slider').first();
  assert.equal((await mix.locator('label').textContent()).trim(), 'Votes for Ballad → Filter cutoff');
  await shows('mix-0-value', /^100 %$/, 'the share in per cent');
  await byTestId(page, 'mix-0').fill('0.25');
  await byTestId(page, 'mix-0').blur();
  await shows('mix-0-feedback', /^✓ Votes for Ballad → Filter cutoff: 25 %$/, 'the move answered beside it');
  await shows('mix-0-value', /^25 % \(config: 100 %\)$/, 'the new share and the config\'s');
  await byTestId(page, 'mix-0-reset').click();
  await shows('mix-0-value', /^100 %$/, 'back to the config\'s share');

  await shows('artist-master_gain-value', /^0\.0 dB$/, 'a level in dB');
  await shows('artist-delay_time-value', /^0\.\d\d s$/, 'a time in seconds');
  await shows('artist-delay_mix-value', /^\d+ %$/, 'an amount in per cent');
  assert.equal((await page.locator('label[for="artist-filter_cutoff"]').textContent()).trim(), 'Filter cutoff');
  await byTestId(page, 'artist-filter_cutoff').fill('0.5');
  await byTestId(page, 'artist-filter_cutoff').blur();
  await shows('artist-filter_cutoff-value', /^632 Hz \(cue: 20\.0 kHz\)$/, 'a frequency in Hz, and the cue\'s');
  await byTestId(page, 'artist-filter_cutoff-reset').click();
  await shows('artist-filter_cutoff-value', /^20\.0 kHz$/, 'back to the cue\'s value');
});

test('the safety banner names fade and blackout in words wherever the page is scrolled; Esc fades', { timeout: 60000 }, async () => {
  assert.equal(await byTestId(page, 'safety-banner').isVisible(), false, 'no banner while nothing is on');
  await page.locator('body').click({ position: { x: 5, y: 400 } });
  await page.keyboard.press('Escape');
  await shows('safety-banner', /FADE TO SILENCE is on/, 'the panic fade in the banner');
  await shows('fade', /^Fade to silence: ON$/, 'the toggle says ON');
  assert.equal(await byTestId(page, 'fade').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Escape');
  await pause(800);
  await shows('fade', /^Fade to silence: ON$/, 'a second Esc never lifts the fade');
  await byTestId(page, 'blackout').click();
  await shows('safety-feedback', /^✓ Blackout: ON$/, 'answered beside the toggles');
  const banner = await shows('safety-banner', /BLACKOUT is on/, 'the blackout in the banner');
  assert.match(banner, /FADE TO SILENCE is on: the PA is silent · BLACKOUT is on: the stage screen is black/);
  assert.equal(await byTestId(page, 'blackout').getAttribute('aria-pressed'), 'true');
  assert.equal(await byTestId(page, 'freeze').getAttribute('aria-pressed'), 'false');
  await shows('freeze', /^Freeze crowd: off$/, 'an off toggle says off');
  await scrollToBottom();
  assert.ok(await onScreen('safety-banner'), 'the banner stays on screen');
  await page.setViewportSize({ width: 1024, height: 768 });
  await screenshot(page, 'console-safety-1024x768.png');
  await page.setViewportSize({ width: 1440, height: 900 });
  await byTestId(page, 'fade').click();
  await byTestId(page, 'blackout').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="safety-banner"]').hidden, null, { timeout: WAIT_MS });
});

test('every command about the show carries the cue on screen and names its poll; the venue\'s switches never wait on it', { timeout: 30000 }, async () => {
  const cueIds = new Set(['intro', 'vote', 'outro']);
  const aboutTheShow = sent.filter((c) => /^(cue|poll|mix|artist)\./.test(c.cmd));
  assert.ok(aboutTheShow.length >= 15, `${aboutTheShow.length} show commands`);
  for (const c of aboutTheShow) assert.ok(cueIds.has(c.expect_cue), `${JSON.stringify(c)} carries the cue on screen`);
  for (const c of sent.filter((x) => x.cmd.startsWith('poll.') && x.cmd !== 'poll.create')) {
    assert.ok(['song', 'adhoc-1'].includes(c.poll), `${JSON.stringify(c)} names its poll`);
  }
  const safety = sent.filter((c) => c.cmd.startsWith('safety.'));
  assert.ok(safety.length >= 4);
  for (const c of safety) assert.equal(c.expect_cue, undefined, `${JSON.stringify(c)} never refused for a cue change`);
  assert.deepEqual(errors, []);
});

for (const [width, height] of [[1024, 768], [768, 1024]]) {
  test(`on a ${width}x${height} touch screen: no sideways scroll, every control at least 44 px`, { timeout: 60000 }, async () => {
    const tablet = await browser.newContext({ viewport: { width, height }, isMobile: true, hasTouch: true });
    try {
      const t = await tablet.newPage();
      await consoleLogin(t, daemon.url, 'operator', PASSWORD);
      await byTestId(t, 'go').waitFor({ state: 'visible' });
      assert.equal(await sidewaysScroll(t), 0, 'no sideways scroll');
      assert.deepEqual(await smallTargets(t), [], 'controls under 44 px');
      await byTestId(t, 'go').tap();
      await waitForTextOf(t, 'current-cue', (x) => /^3\. Outro$/.test(x), 'GO by touch', daemon, WAIT_MS);
      await screenshot(t, `console-tablet-${width}x${height}.png`);
      await byTestId(t, 'back').tap();
      await waitForTextOf(t, 'current-cue', (x) => /^2\. Vote$/.test(x), 'Back by touch', daemon, WAIT_MS);
    } finally {
      await tablet.close().catch(() => {});
    }
  });
}

test('at 1440x900 too: no sideways scroll, every control at least 44 px', { timeout: 30000 }, async () => {
  assert.equal(await sidewaysScroll(page), 0);
  assert.deepEqual(await smallTargets(page), []);
});
