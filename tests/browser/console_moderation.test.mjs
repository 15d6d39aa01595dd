// Browser test of moderation mid-show, against the real daemon running the demo venue with 40
// simulated phones (`--simulate 40`): every live view changes who acted last. On a 1024x768
// touch screen the operator removes a participant from that roster with two taps a second
// apart, and it works on the first try (the row under the finger is never rebuilt or moved);
// finds another by the id typed in (as the phone shows it, in any case, with or without "p-")
// and mutes it, unmutes it from the muted list, restores the removed one from the removed
// list, and every one of these is in the activity feed.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, byTestId, waitForText } from '../lib/browser.mjs';
import { startDaemon } from '../lib/daemon.mjs';
import { consoleLogin, screenshot } from '../lib/console.mjs';

const WAIT_MS = 10000;
const DEMO = new URL('../../venue-configs/demo.json', import.meta.url).pathname;
let daemon;
let browser;
let tablet;
let page;
let removedId;
const errors = [];

before(async () => {
  daemon = await startDaemon({ config: DEMO, args: ['--simulate', '40'], timeoutMs: 30000 });
  browser = await launchChromium();
  tablet = await browser.newContext({ viewport: { width: 1024, height: 768 }, isMobile: true, hasTouch: true });
  page = await tablet.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(page, daemon.url, 'operator', 'tutti-demo');
});

after(async () => {
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
});

const shows = (id, re, what) => waitForText(page, id, (t) => re.test(t), what, daemon, WAIT_MS);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rosterIds = () => page.locator('#recent li').evaluateAll((rows) => rows.map((r) => r.dataset.id));
const feed = () => page.locator('[data-testid="activity"]').textContent();

async function until(check, what) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await pause(100);
  }
}

test('a participant is removed from the live roster with two taps, on the first try', { timeout: 90000 }, async () => {
  await until(async () => (await rosterIds()).length >= 10, 'a roster of the crowd');
  // The crowd keeps the roster moving: the ids listed change while nobody touches it.
  const first = new Set(await rosterIds());
  await until(async () => (await rosterIds()).some((id) => !first.has(id)), 'the roster changing under the crowd');

  const ids = await rosterIds();
  removedId = ids[Math.min(4, ids.length - 1)];
  const row = page.locator(`#recent li[data-id="${removedId}"]`);
  await row.evaluate((el) => { el.dataset.marked = 'yes'; });
  await byTestId(page, `kick-${removedId}`).tap();
  await shows(`kick-${removedId}`, /^Remove\? Tap again$/, 'Remove armed');
  await pause(1200);	// about five live views while the finger hesitates
  await byTestId(page, `kick-${removedId}`).tap();
  await shows(`answer-${removedId}`, new RegExp(`^✓ Removed ${removedId}$`), 'the answer on the row');
  assert.equal(await row.getAttribute('data-marked'), 'yes', 'the same row throughout');
  const kicks = daemon.output().match(/moderate\.kick at [\d.]+: \w+/g) || [];
  assert.deepEqual(kicks.map((k) => k.split(': ')[1]), ['ok'], 'one kick, accepted');
  await page.locator(`#removed li[data-id="${removedId}"]`).waitFor({ timeout: WAIT_MS });
  await shows('removed-count', /^1$/, 'counted as removed');
  await until(async () => (await feed()).includes(`operator: remove ${removedId}`), 'the kick in the activity feed');
  await page.locator('#moderation h3').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'console-moderation-1024x768.png', { viewport: true });
});

test('a participant found by its id is muted, unmuted from the muted list; the removed one is restored', { timeout: 90000 }, async () => {
  const id = (await rosterIds()).find((x) => x !== removedId);
  const find = byTestId(page, 'find-participant');
  await find.fill('hello');
  await shows('find-status', /^Not an id yet/, 'a typo named');
  await byTestId(page, 'find-mute').tap();
  await shows('find-feedback', /^✗ Type the id as the phone shows it/, 'nothing sent for a typo');

  await find.fill(id.slice(2).toUpperCase());	// as a person might read it off a phone
  await shows('find-status', new RegExp(`^${id}: `), 'the id understood');
  await byTestId(page, 'find-mute').tap();
  await shows('find-feedback', new RegExp(`^✓ Muted ${id}$`), 'the mute answered beside the search');
  await page.locator(`#muted li[data-id="${id}"]`).waitFor({ timeout: WAIT_MS });
  await shows('muted-count', /^1$/, 'counted as muted');
  await shows('find-status', new RegExp(`^${id}: .*muted`), 'the search says it is muted');

  await byTestId(page, `unmute-${id}`).tap();
  await shows(`answer-muted-${id}`, new RegExp(`^✓ Unmuted ${id}$`), 'the unmute answered on its row');
  await shows('muted-count', /^0$/, 'no one muted');
  await page.locator(`#muted li[data-id="${id}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });

  await byTestId(page, `restore-${removedId}`).tap();
  await shows(`answer-removed-${removedId}`, new RegExp(`^✓ Restored ${removedId}`), 'the restore answered on its row');
  await shows('removed-count', /^0$/, 'no one removed');
  await until(async () => {
    const text = await feed();
    return [`mute ${id}`, `unmute ${id}`, `restore ${removedId}`].every((words) => text.includes(`operator: ${words}`));
  }, 'mute, unmute and restore in the activity feed');
  assert.deepEqual(errors, []);
});
