// Browser tests of the phone page in each state of a show, against the real daemon and a
// phone-sized Chromium (390x844, touch): the cue's controls in the order its config lists them;
// a daemon stopped and started again under an open phone (the page says it is reconnecting,
// disables every control and pauses its countdowns, then comes back live), and a link gone dead
// with a vote in flight (shown as waiting, never as counted, and counted once back); the phone's
// own network gone for 10 s (reconnecting at once, the last state kept on screen, back as the
// same participant with its vote); a crowd text's verdict that comes after the cue moved on (a
// toast, then the next text panel says it); the slider, xy pad and shake meter show no value of the person's own until touched; the words
// on every cue of the demo venue, and in each state of a show (before, between turns, the last
// cue and after it, the venue listening, reconnecting, removed, forgotten).
//
// Run: node --test tests/browser/phone_states.test.mjs
// Env: TUTTI_BIN (the daemon), TUTTI_BUILD_DIR (screenshots go to its screenshots/),
//      CHROMIUM (default /usr/bin/chromium; nothing is ever downloaded).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { consoleSocket, hashPassword } from '../lib/console.mjs';
import { Phone } from '../lib/client.mjs';

const WAIT_MS = 10000;
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
const PASSWORD = 'front of house';
const DEMO = new URL('../../venue-configs/demo.json', import.meta.url).pathname;
const DEMO_PASSWORD = 'tutti-demo'; // the demo's operator login (its comment says so)
const YOUR_TURN = /your turn/i; // only before the show and between turns may the page promise one
const SONG_POLL = { id: 'song', question: 'Which song?', options: ['Anthem', 'Ballad', 'Encore'] };

let browser;
let consoleHash; // the operator's password hash, for venues with a console
const daemons = new Set(); // stopped after each test, and at the end whatever happened

before(async () => {
  browser = await launchChromium();
  consoleHash = hashPassword(PASSWORD);
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const daemon of daemons) await daemon.stop();
});

// A daemon on @venue (or on options.config, a config file already written).
async function daemonFor(venue, options = {}) {
  const daemon = await startDaemon({ config: venue && writeConfig(venue), ...options });
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

// The end of a test, whatever happened: the console socket, the phone's context, the daemon.
async function tearDown({ op = null, page, daemon }) {
  op?.close();
  await page.context().close().catch(() => {});
  await stop(daemon);
}

async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

// A port nobody listens on now, so a daemon can be started again where the phone left it.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForStatus(page, state, timeoutMs = WAIT_MS) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="status"]')?.dataset.state === s,
    state, { timeout: timeoutMs });
}

const outboxLength = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length);

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
    await tearDown({ page, daemon });
  }
});

test('a daemon stopped and started again under an open phone: paused, disabled, then live again',
  { timeout: 120000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tutti-phone-restart-'));
    const config = writeConfig(smallVenue({
      cues: [
        { id: 'pick', title: 'Pick one', scene: 'poll', controls: ['vote', 'tap', 'slider', 'xy', 'shake', 'text'],
          advance_after_s: 600,
          poll: { ...SONG_POLL, duration_s: 600 } },
        { id: 'quiet', title: 'Quiet', scene: 'title', controls: [] },
      ],
    }));
    const args = ['--port', String(await freePort()), '--journal', join(dir, 'show.db')];
    let daemon = await daemonFor(null, { config, args });
    const page = await openPhone(daemon);
    const shows = (id, predicate, what, timeoutMs = WAIT_MS) => waitForText(page, id, predicate, what, daemon, timeoutMs);
    try {
      await shows('cue-countdown', (t) => /^next up in \d+:\d\d$/.test(t), 'the cue countdown');
      await shows('poll-countdown', (t) => /^closes in \d+:\d\d$/.test(t), 'the poll countdown');
      await byTestId(page, 'tap-button').tap();
      await shows('my-taps', (t) => t === '1', 'a tap');
      await byTestId(page, 'vote-option-1').tap();
      await shows('vote-count-1', (t) => t === '1', 'the vote counted');
      await page.waitForFunction(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length === 0,
        null, { timeout: WAIT_MS });

      // The daemon stops: the page says so, and nothing on it pretends to be live.
      assert.equal(await stop(daemon), 0);
      await waitForStatus(page, 'reconnecting');
      await byTestId(page, 'offline-note').waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.match(await byTestId(page, 'offline-note').textContent(), /reconnecting.*work again/s);
      await shows('cue-countdown', (t) => t === 'next up: paused', 'the cue countdown paused');
      await shows('poll-countdown', (t) => t === 'closing: paused', 'the poll countdown paused');
      await shows('cue-kicker', (t) => t === 'Paused at', 'no "Now playing"');
      for (const id of ['tap-button', 'slider', 'shake-button', 'text-input']) {
        assert.equal(await byTestId(page, id).isDisabled(), true, `${id} is disabled`);
      }
      assert.equal(await byTestId(page, 'xy-pad').getAttribute('aria-disabled'), 'true', 'the xy pad is off');
      for (const i of [0, 1, 2]) {
        assert.equal(await byTestId(page, `vote-option-${i}`).getAttribute('aria-disabled'), 'true', `vote ${i} is off`);
      }
      assert.equal(await page.locator('[data-testid="controls"]').evaluate((el) => el.classList.contains('offline')), true);
      const dimmed = await page.locator('.panel-tap').evaluate((el) => Number(getComputedStyle(el).opacity));
      assert.ok(dimmed < 0.6, `the panels are dimmed (opacity ${dimmed})`);
      // Touching them does nothing: no tap counted, no vote queued to look counted later.
      await byTestId(page, 'tap-button').tap({ force: true });
      await byTestId(page, 'vote-option-2').tap({ force: true });
      assert.equal((await byTestId(page, 'my-taps').textContent()).trim(), '1');
      assert.equal(await outboxLength(page), 0, 'no vote queued while offline');
      assert.equal(await byTestId(page, 'vote-option-2').getAttribute('aria-pressed'), 'false');
      assert.equal(await byTestId(page, 'counted').isVisible(), false);
      await screenshot(page, 'phone-reconnecting-390x844.png');

      // Started again on the same port, from its journal: everything comes back.
      daemon = await daemonFor(null, { config, args });
      await waitForStatus(page, 'live', 30000);
      await byTestId(page, 'offline-note').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await shows('cue-countdown', (t) => /^next up in \d+:\d\d$/.test(t), 'the cue countdown again');
      await shows('poll-countdown', (t) => /^closes in \d+:\d\d$/.test(t), 'the poll countdown again');
      await shows('cue-kicker', (t) => t === 'Now playing', 'live again');
      for (const id of ['tap-button', 'slider', 'shake-button', 'text-input']) {
        assert.equal(await byTestId(page, id).isDisabled(), false, `${id} works again`);
      }
      assert.equal(await byTestId(page, 'xy-pad').getAttribute('aria-disabled'), 'false', 'the xy pad works again');
      assert.equal(await byTestId(page, 'vote-option-1').getAttribute('aria-pressed'), 'true', 'the vote is still ours');
      await byTestId(page, 'tap-button').tap();
      await shows('my-taps', (t) => t === '2', 'a tap after the restart');
      await byTestId(page, 'counted').waitFor({ state: 'visible', timeout: WAIT_MS });

      // A link gone dead with a vote in flight: waiting, never "counted", until the show has it.
      daemon.proc.kill('SIGSTOP');
      await byTestId(page, 'vote-option-2').tap();
      await waitForStatus(page, 'reconnecting', 20000);
      assert.equal(await outboxLength(page), 1, 'the vote is kept');
      await shows('poll-status', (t) => /saved: it goes in when the show is back/.test(t), 'the vote waiting');
      assert.equal(await byTestId(page, 'vote-option-2').evaluate((el) => el.classList.contains('waiting')), true);
      assert.equal(await byTestId(page, 'counted').isVisible(), false, 'not shown as counted');
      await screenshot(page, 'phone-vote-waiting-390x844.png');
      daemon.proc.kill('SIGCONT');
      await waitForStatus(page, 'live', 30000);
      await shows('vote-count-2', (t) => t === '1', 'the vote counted once back');
      await shows('vote-count-1', (t) => t === '0', 'the earlier choice replaced');
      await page.waitForFunction(() => JSON.parse(localStorage.getItem('tutti.outbox') || '[]').length === 0,
        null, { timeout: WAIT_MS });
      assert.equal(await byTestId(page, 'vote-option-2').evaluate((el) => el.classList.contains('waiting')), false);
      assert.deepEqual(page.errors, [], 'no script errors on the page');
    } finally {
      daemon.proc.kill('SIGCONT');
      await tearDown({ page, daemon });
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('the phone\'s Wi-Fi drops for 10 s: it says it is reconnecting, keeps the last state, and comes back as itself',
  { timeout: 90000 }, async () => {
    const daemon = await daemonFor(smallVenue({
      cues: [
        { id: 'pick', title: 'Pick one', prompt: 'Tap along, then choose', scene: 'poll', controls: ['vote', 'tap'],
          poll: SONG_POLL },
        { id: 'quiet', title: 'Quiet', scene: 'title', controls: [] },
      ],
    }));
    const page = await openPhone(daemon);
    const shows = (id, predicate, what, timeoutMs = WAIT_MS) => waitForText(page, id, predicate, what, daemon, timeoutMs);
    // What the screen shows of the show: it must still be there while the network is gone.
    const onScreen = () => page.evaluate(() => Object.fromEntries(
      ['participant-id', 'cue-title', 'cue-prompt', 'poll-question', 'vote-count-0', 'vote-count-1', 'vote-count-2',
        'my-taps', 'participants'].map((id) => [id, document.querySelector(`[data-testid="${id}"]`)?.textContent.trim()])));
    try {
      await byTestId(page, 'tap-button').tap();
      await shows('my-taps', (t) => t === '1', 'a tap');
      await byTestId(page, 'vote-option-1').tap();
      await shows('vote-count-1', (t) => t === '1', 'the vote counted');
      const before = await onScreen();
      assert.equal(before['cue-title'], 'Pick one');

      // The network goes: no close, no reset, the socket just hears nothing. The browser knows it
      // is offline, and the page says so at once, well before its 8 s silence watchdog would.
      await page.context().setOffline(true);
      await waitForStatus(page, 'reconnecting', 5000);
      await byTestId(page, 'offline-note').waitFor({ state: 'visible', timeout: WAIT_MS });
      await waitForText(page, 'status', (t) => t === 'Reconnecting…', 'the status', daemon, WAIT_MS);
      await shows('cue-kicker', (t) => t === 'Paused at', 'no "Now playing"');
      assert.deepEqual(await onScreen(), before, 'the last state stays on screen');
      assert.equal(await byTestId(page, 'tap-button').isDisabled(), true, 'the tap button is off');
      assert.equal(await byTestId(page, 'vote-option-1').getAttribute('aria-pressed'), 'true', 'the vote still shown as ours');
      await screenshot(page, 'phone-wifi-drop-390x844.png');
      await page.waitForTimeout(10000);
      assert.equal(await page.evaluate(() => document.querySelector('[data-testid="status"]').dataset.state),
        'reconnecting', 'still reconnecting after 10 s without a network');
      assert.deepEqual(await onScreen(), before, 'the last state still on screen after 10 s');

      // The network is back: live again as the same participant, the vote still its own.
      await page.context().setOffline(false);
      await waitForStatus(page, 'live', 15000);
      await byTestId(page, 'offline-note').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await shows('cue-kicker', (t) => t === 'Now playing', 'live again');
      assert.equal((await byTestId(page, 'participant-id').textContent()).trim(), before['participant-id'], 'the same participant');
      assert.equal(await byTestId(page, 'vote-option-1').getAttribute('aria-pressed'), 'true', 'the vote is still ours');
      await shows('vote-count-1', (t) => t === '1', 'counted once');
      await byTestId(page, 'tap-button').tap();
      await shows('my-taps', (t) => t === '2', 'a tap after the drop');
      assert.deepEqual(page.errors, [], 'no script errors on the page');
    } finally {
      await tearDown({ page, daemon });
    }
  });

test('a verdict that comes after the cue moved on reaches the phone as a toast', { timeout: 90000 }, async () => {
  const daemon = await daemonFor(smallVenue({
    console: { operator_password_hash: consoleHash },
    moderation: { text_interval_s: 0 },
    cues: [
      { id: 'shout', title: 'Say hello', scene: 'wall', controls: ['text'] },
      { id: 'song', title: 'A song', scene: 'title', controls: ['tap'] },
      { id: 'shout-again', title: 'Say more', scene: 'wall', controls: ['text'] },
    ],
  }));
  const page = await openPhone(daemon);
  const op = await consoleSocket(daemon, PASSWORD);
  const shows = (id, predicate, what) => waitForText(page, id, predicate, what, daemon, WAIT_MS);
  // Sends @text from the phone's text panel and waits until the moderators have it.
  const send = async (text) => {
    await byTestId(page, 'text-input').fill(text);
    await byTestId(page, 'text-send').tap();
    await shows('text-status', (t) => /Waiting for the moderators/.test(t), 'the message queued');
    const live = await op.live((m) => m.texts?.pending?.some((p) => p.text === text), `"${text}" in the queue`);
    return live.texts.pending.find((p) => p.text === text).id;
  };
  try {
    await shows('cue-title', (t) => t === 'Say hello', 'the text cue');
    const hello = await send('Hello from row J');

    // The cue moves on before the operator decides: no text panel is left to hear it.
    assert.equal((await op.command({ cmd: 'cue.go' })).ok, true);
    await shows('cue-title', (t) => t === 'A song', 'the next cue');
    assert.equal(await byTestId(page, 'text-input').count(), 0);
    assert.equal((await op.command({ cmd: 'moderate.approve', text: hello })).ok, true);
    await shows('toast', (t) => t === 'Your message is on the big screen!', 'the approval as a toast');
    await page.waitForFunction(() => document.querySelector('[data-testid="toast"]').classList.contains('show'),
      null, { timeout: WAIT_MS });
    await screenshot(page, 'phone-verdict-toast-390x844.png');

    // Back on a text cue, the panel starts with it.
    assert.equal((await op.command({ cmd: 'cue.go' })).ok, true);
    await shows('text-status', (t) => t === 'Your last message is on the big screen!', 'the verdict kept for the panel');

    // A rejection after the cue moved on says so too.
    const rude = await send('Second message');
    assert.equal((await op.command({ cmd: 'cue.jump', cue: 'song' })).ok, true);
    await shows('cue-title', (t) => t === 'A song', 'away from the text cue');
    assert.equal((await op.command({ cmd: 'moderate.reject', text: rude })).ok, true);
    await shows('toast', (t) => t === "Your message wasn't shown on the screen this time.", 'the rejection as a toast');
    assert.deepEqual(page.errors, [], 'no script errors on the page');
  } finally {
    await tearDown({ op, page, daemon });
  }
});

test('the slider, xy pad and shake meter show no value of your own until you touch them', { timeout: 60000 }, async () => {
  const daemon = await daemonFor(smallVenue({
    cues: [{ id: 'steer', title: 'Steer', scene: 'crowd-map', controls: ['slider', 'xy', 'shake'] }],
  }));
  // Someone else in the crowd has set the slider: the crowd's median shows, ours does not.
  const other = new Phone(daemon.wsUrl);
  await other.hello();
  other.input('slider', { value: 0.8 });
  const page = await openPhone(daemon);
  const shows = (id, predicate, what) => waitForText(page, id, predicate, what, daemon, WAIT_MS);
  const slider = byTestId(page, 'slider');
  const fill = () => slider.evaluate((el) => getComputedStyle(el).getPropertyValue('--v').trim());
  try {
    await shows('slider-median', (t) => t === '80%', 'the crowd median');
    assert.equal((await byTestId(page, 'slider-mine').textContent()).trim(), '–');
    assert.equal(await slider.getAttribute('aria-valuetext'), 'not set');
    assert.equal(await slider.getAttribute('data-touched'), null);
    assert.equal(await page.locator('.slider-track').evaluate((el) => el.classList.contains('untouched')), true,
      'the thumb is hidden');
    assert.equal(await fill(), '0', 'no fill of our own');
    assert.equal(await byTestId(page, 'xy-me').isVisible(), false, 'no dot of our own on the pad');
    assert.equal((await byTestId(page, 'my-shake').textContent()).trim(), '–');
    await screenshot(page, 'phone-untouched-390x844.png');

    // A touch a quarter of the way along sets it, and only then is it ours.
    const box = await slider.boundingBox();
    const thumb = 48; // the slider's thumb, in CSS pixels: values run between its half-widths
    await page.touchscreen.tap(box.x + thumb / 2 + 0.25 * (box.width - thumb), box.y + box.height / 2);
    const mine = await shows('slider-mine', (t) => /^\d+%$/.test(t), 'our value once touched');
    assert.ok(Math.abs(Number.parseInt(mine, 10) - 25) <= 3, `about 25%, got ${mine}`);
    assert.equal(await slider.getAttribute('data-touched'), 'true');
    assert.notEqual(await fill(), '0');
    await shows('slider-median', (t) => t !== '80%', 'our value reaches the crowd');
    const pad = await byTestId(page, 'xy-pad').boundingBox();
    await page.touchscreen.tap(pad.x + pad.width * 0.3, pad.y + pad.height * 0.6);
    await byTestId(page, 'xy-me').waitFor({ state: 'visible', timeout: WAIT_MS });
    await byTestId(page, 'shake-button').tap();
    await shows('my-shake', (t) => /^\d+%$/.test(t), 'our shake once shaken');
    await screenshot(page, 'phone-touched-390x844.png');

    // A first touch right where the hidden thumb rests is a value too.
    await page.reload();
    await shows('slider-mine', (t) => t === '–', 'untouched after a reload');
    const again = await slider.boundingBox();
    await page.touchscreen.tap(again.x + again.width / 2, again.y + again.height / 2);
    await shows('slider-mine', (t) => t === '50%', 'a touch at the middle');
    assert.deepEqual(page.errors, [], 'no script errors on the page');
  } finally {
    await other.close();
    await tearDown({ page, daemon });
  }
});

// The panel area's words with no controls: { kind, text } when shown, null when hidden.
const idleOf = (page) => byTestId(page, 'idle').evaluate(
  (el) => (el.hidden ? null : { kind: el.dataset.kind, text: el.textContent.replace(/\s+/g, ' ').trim() }));

async function waitForIdle(page, kind, daemon) {
  try {
    await page.waitForFunction((k) => {
      const el = document.querySelector('[data-testid="idle"]');
      return k === null ? el.hidden : !el.hidden && el.dataset.kind === k;
    }, kind, { timeout: WAIT_MS });
  } catch (error) {
    throw new Error(`idle words ${kind}: shows ${JSON.stringify(await idleOf(page))}\n${daemon.output().slice(-1500)}`);
  }
  return idleOf(page);
}

// Everything the page shows a person, as one line of text.
const visibleText = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' '));

test('every cue of the demo venue: its controls in order, and no promise of a turn', { timeout: 120000 }, async () => {
  const demo = JSON.parse(readFileSync(DEMO, 'utf8'));
  const daemon = await daemonFor(null, { config: DEMO });
  const page = await openPhone(daemon);
  const op = await consoleSocket(daemon, DEMO_PASSWORD);
  try {
    for (const [i, cue] of demo.cues.entries()) {
      // The first by jumping, the rest with "go", as an operator would run the show.
      const moved = await op.command(i === 0 ? { cmd: 'cue.jump', cue: cue.id } : { cmd: 'cue.go' });
      assert.equal(moved.ok, true, `${cue.id}: ${moved.message}`);
      await waitForText(page, 'cue-title', (t) => t === cue.title, `cue ${cue.id}`, daemon, WAIT_MS);
      await page.waitForFunction((ids) => JSON.stringify([...document.querySelectorAll('[data-testid="controls"] > .panel')]
        .map((p) => p.dataset.control).slice(0, ids.length)) === JSON.stringify(ids), cue.controls, { timeout: WAIT_MS })
        .catch(async () => assert.fail(`${cue.id}: panels ${JSON.stringify(await panelOrder(page))}, config ${JSON.stringify(cue.controls)}`));
      const idle = await idleOf(page);
      const expected = cue.controls.length ? null : i === 0 ? 'before' : 'between';
      assert.equal(idle?.kind ?? null, expected, `${cue.id}: idle words ${JSON.stringify(idle)}`);
      if (i === demo.cues.length - 1 && !cue.advance_after_s) assert.equal(idle?.kind, 'final');
      if (idle?.kind !== 'before' && idle?.kind !== 'between') {
        assert.doesNotMatch(await visibleText(page), YOUR_TURN, `${cue.id}: no "your turn"`);
      }
      await screenshot(page, `phone-demo-${cue.id}-390x844.png`);
    }
    assert.equal((await op.command({ cmd: 'cue.go' })).code, 'last_cue');
    // The venue freezes the phones on the last cue: listening, not "your turn".
    assert.equal((await op.command({ cmd: 'safety.freeze', on: true })).ok, true);
    const listening = await waitForIdle(page, 'listening', daemon);
    assert.match(listening.text, /The venue is listening/);
    assert.doesNotMatch(await visibleText(page), YOUR_TURN);
    assert.equal((await panelOrder(page)).length, 0, 'no controls while frozen');
    assert.equal((await op.command({ cmd: 'safety.freeze', on: false })).ok, true);
    await waitForIdle(page, null, daemon);
    assert.deepEqual(page.errors, [], 'no script errors on the page');
  } finally {
    await tearDown({ op, page, daemon });
  }
});

test('the words of each state of a show, to the end and after it', { timeout: 150000 }, async () => {
  const config = writeConfig(smallVenue({
    console: { operator_password_hash: consoleHash },
    cues: [
      { id: 'doors', title: 'Doors', scene: 'join', controls: [] },
      { id: 'play', title: 'Play', scene: 'crowd-field', controls: ['tap'] },
      { id: 'talk', title: 'A word from the band', scene: 'title', controls: [] },
      { id: 'end', title: 'Goodnight', scene: 'title', controls: [] },
    ],
  }));
  const args = ['--port', String(await freePort())];
  let daemon = await daemonFor(null, { config, args });
  let op = await consoleSocket(daemon, PASSWORD);
  const page = await openPhone(daemon);
  const words = async (kind, what) => {
    const idle = await waitForIdle(page, kind, daemon);
    if (kind !== 'before' && kind !== 'between') {
      assert.doesNotMatch(await visibleText(page), YOUR_TURN, `${what}: no "your turn"`);
    }
    return idle;
  };
  const jump = async (cue, title) => {
    assert.equal((await op.command({ cmd: 'cue.jump', cue })).ok, true);
    await waitForText(page, 'cue-title', (t) => t === title, `cue ${cue}`, daemon, WAIT_MS);
  };
  // Stops the daemon under the open phone; startAgain() starts it on the same port.
  const stopUnderThePhone = async () => {
    op.close();
    assert.equal(await stop(daemon), 0);
    await waitForStatus(page, 'reconnecting');
  };
  const startAgain = async () => {
    daemon = await daemonFor(null, { config, args });
    op = await consoleSocket(daemon, PASSWORD);
    await waitForStatus(page, 'live', 30000);
  };
  try {
    const seen = new Map(); // kind -> its words: each state says something of its own
    const note = (idle) => seen.set(idle.kind, idle.text);
    note(await words('before', 'before the show'));
    assert.match(seen.get('before'), /about to begin/);
    await screenshot(page, 'phone-words-before-390x844.png');
    await jump('play', 'Play');
    await words(null, 'a cue with controls');
    await jump('talk', 'A word from the band');
    note(await words('between', 'between turns'));
    assert.equal((await op.command({ cmd: 'safety.freeze', on: true })).ok, true);
    note(await words('listening', 'frozen'));
    await screenshot(page, 'phone-words-listening-390x844.png');
    assert.equal((await op.command({ cmd: 'safety.freeze', on: false })).ok, true);
    await words('between', 'unfrozen');

    // The daemon goes away mid-show: reconnecting, and nothing promised.
    await stopUnderThePhone();
    note(await words('reconnecting', 'reconnecting'));
    await waitForText(page, 'status', (t) => t === 'Reconnecting…', 'the status', daemon, WAIT_MS);
    await screenshot(page, 'phone-words-reconnecting-390x844.png');
    await startAgain();

    // The last cue, and after the show: the daemon stops there, and the thanks stay.
    await jump('end', 'Goodnight');
    note(await words('final', 'the last cue'));
    assert.equal(seen.get('final'), "That's the show — thank you! Thanks for playing along. You can close this page.");
    await screenshot(page, 'phone-words-final-390x844.png');
    await stopUnderThePhone();
    await words('final', 'after the show');
    await waitForText(page, 'cue-kicker', (t) => t === 'The end', 'no "Paused at" after the show', daemon, WAIT_MS);
    await screenshot(page, 'phone-words-after-the-show-390x844.png');
    await startAgain();

    // Forgotten, on another phone; then this one removed by the venue.
    const other = await openPhone(daemon);
    await byTestId(other, 'forget-me').tap();
    await byTestId(other, 'forget-confirm').tap();
    const forgotten = await waitForIdle(other, 'forgotten', daemon);
    seen.set(forgotten.kind, forgotten.text);
    assert.match(await byTestId(other, 'overlay').textContent(), /forgotten/);
    await other.context().close();
    const id = (await byTestId(page, 'participant-id').textContent()).trim();
    assert.equal((await op.command({ cmd: 'moderate.kick', participant: id })).ok, true);
    note(await words('removed', 'removed'));
    assert.match(await byTestId(page, 'overlay').textContent(), /removed you/);

    // Every state in its own words.
    assert.equal(new Set(seen.values()).size, seen.size, JSON.stringify([...seen]));
    assert.equal(seen.size, 7);
    assert.deepEqual(page.errors, [], 'no script errors on the page');
  } finally {
    await tearDown({ op, page, daemon });
  }
});
