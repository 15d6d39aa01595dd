// Browser test of the console's loudness meters against the real daemon (`--audio none`: the
// paced null device runs the engine in real time). The venue's first cue plays a generated
// 997 Hz tone at -20 dBFS in both channels, which reads -20 LUFS (ITU-R BS.1770); the second
// is silent. Proves: on a tablet held upright the Live panel shows momentary, short-term and
// integrated loudness in LUFS and the true peak in dBTP, each at the tone's level within 0.5,
// with no sideways scroll and no control under 44 px; after GO to the silent cue the momentary
// meter says "silence" in words while the integrated keeps the show's level.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId } from '../lib/browser.mjs';
import { consoleLogin, hashPassword, screenshot, sidewaysScroll, smallTargets } from '../lib/console.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { toneCue, writeToneWav } from '../lib/tone.mjs';

const LEVEL_DBFS = -20;
const PASSWORD = 'front of house';
let daemon;
let browser;
let tablet;
let page;

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    console: { operator_password_hash: hashPassword(PASSWORD) },
    cues: [toneCue(writeToneWav(LEVEL_DBFS)), { id: 'quiet', title: 'Quiet', scene: 'title', controls: [] }],
  })) });
  browser = await launchChromium();
  tablet = await browser.newContext({ viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true });
  page = await tablet.newPage();
  await consoleLogin(page, daemon.url, 'operator', PASSWORD);
});

after(async () => {
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});

// The meters as the operator reads them: label, figure and unit, in page order.
const meters = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="loudness"] .meter')]
  .map((m) => [...m.children].map((c) => c.textContent)));

// Polls the meters until @ok accepts them; fails with what they showed.
async function metersWhen(ok, what, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  let shown;
  for (;;) {
    shown = await meters();
    if (ok(shown)) return shown;
    if (Date.now() > until) throw new Error(`${what}: the meters show ${JSON.stringify(shown)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const near = (figure) => Math.abs(Number(figure) - LEVEL_DBFS) <= 0.5;

test('the Live panel reads the -20 dBFS tone as -20 LUFS and -20 dBTP, on a tablet held upright', { timeout: 60000 }, async () => {
  const shown = await metersWhen((m) => m.length === 4 && m.every(([, figure]) => near(figure)),
    'all four meters at the tone\'s level');
  assert.deepEqual(shown.map(([label, , unit]) => [label, unit]), [
    ['Momentary', 'LUFS'], ['Short-term', 'LUFS'], ['Integrated', 'LUFS'], ['True peak', 'dBTP'],
  ]);
  await byTestId(page, 'loudness').scrollIntoViewIfNeeded();
  assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll');
  assert.deepEqual(await smallTargets(page), [], 'controls under 44 px');
  await screenshot(page, 'console-loudness-768x1024.png', { viewport: true });
});

test('after GO to a silent cue the momentary meter says silence; the integrated keeps the show', { timeout: 60000 }, async () => {
  await byTestId(page, 'go').tap();
  const shown = await metersWhen((m) => m[0]?.[1] === 'silence', 'momentary silence');
  assert.equal(shown[0][2], '', 'no unit beside silence');
  // Gated, it keeps the tone's level, a little lower for the fade out (2 s, the quiet cue's crossfade).
  assert.ok(Math.abs(Number(shown[2][1]) - LEVEL_DBFS) <= 2, `integrated ${shown[2][1]}`);
});
