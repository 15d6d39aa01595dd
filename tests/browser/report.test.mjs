// Browser test of the post-show report (docs/report.md): runs a real five-minute rehearsal of the
// club venue with its run sheet (`tutti rehearse`, 250 simulated phones, a poll, crowd mappings,
// a safety fade), then opens the DIR/report.html it wrote in Chromium from file://. It proves the
// report draws every chart with data (a non-empty series and a canvas with pixels on it), that a
// chart with nothing in the journal says why instead of vanishing (the loudness and limiter charts
// of a journal with no loudness: "not recorded in this journal"), that the page asks for nothing
// beyond the file itself (every request is file: or data:, and no script error or refused load),
// and saves a screenshot of the whole report under the build folder (screenshots/report.png).
// Then the console's Report view on a live daemon with a journal and phones on sockets: the
// operator asks for it, and the report built from the live journal is drawn in the console itself
// (its charts, the measured input-to-state latency; screenshots/console-report.png), and comes as
// a file that opens offline with its charts drawn.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), TUTTI_SOURCE_DIR, CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../lib/browser.mjs';
import { screenshot, consoleLogin, hashPassword } from '../lib/console.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';

const source = process.env.TUTTI_SOURCE_DIR || resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.TUTTI_BIN;
let dir;
let daemon;
let browser;
let page;
const requests = [];
const problems = [];

before(async () => {
  assert.ok(bin, 'set TUTTI_BIN to the tutti binary');
  dir = mkdtempSync(join(tmpdir(), 'tutti-report-'));
  execFileSync(bin, ['rehearse', join(source, 'venue-configs/club.json'), '--crowd', '250', '--duration', '5:00',
    '--run-sheet', join(source, 'venue-configs/club.run-sheet.txt'), '--frames-every', '0', '--out', dir],
  { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (daemon) await daemon.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the rehearsal writes its report, and it draws every chart offline', async () => {
  const file = join(dir, 'report.html');
  assert.ok(existsSync(file), 'tutti rehearse wrote DIR/report.html');
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#report[data-ready="true"]', { timeout: 10000 });

  const charts = await page.$$eval('.chart', (boxes) => boxes.map((box) => {
    const canvas = box.querySelector('canvas');
    let inked = 0;
    if (canvas) {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
    }
    return { id: box.dataset.chart, absent: box.dataset.absent || null, points: Number(box.dataset.points || 0),
      series: Number(box.dataset.series || 0), inked, text: box.textContent };
  }));
  const ids = charts.map((c) => c.id);
  for (const want of ['participation', 'zones', 'inputs', 'poll-encore', 'fairness', 'codestruction', 'latency',
    'safety', 'flash', 'alarms', 'loudness', 'limiter']) {
    assert.ok(ids.includes(want), `the report has the ${want} chart (has: ${ids.join(', ')})`);
  }
  assert.ok(ids.some((id) => id.startsWith('cocreation-drift-')), 'a co-creation chart for the drift cue\'s mapping');
  for (const c of charts) {
    if (c.absent) {
      assert.ok(['loudness', 'limiter'].includes(c.id), `${c.id} is missing (${c.absent}) though the journal has its data`);
      assert.equal(c.absent, 'not recorded in this journal');
      assert.match(c.text, /not recorded in this journal/);
      continue;
    }
    assert.ok(c.series > 0 && c.points > 0, `${c.id} has data (${c.series} series, ${c.points} points)`);
    assert.ok(c.inked > 1000, `${c.id} drew on its canvas (${c.inked} pixels)`);
  }
  const figures = await page.$$eval('[data-figure]', (els) => Object.fromEntries(els.map((e) =>
    [e.dataset.figure, e.querySelector('b').textContent])));
  assert.equal(figures.participants_total, '250', 'all 250 simulated phones joined');
  assert.match(await page.textContent('[data-poll="encore"]'), /won by/);

  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), [],
    'no request leaves the file');
  assert.deepEqual(problems, [], 'no script error and no refused load');
  await screenshot(page, 'report.png');
});

test('the console\'s Report view shows the live journal\'s report', async () => {
  daemon = await startDaemon({
    config: writeConfig(smallVenue({ console: { operator_password_hash: hashPassword('front of house') } })),
    args: ['--journal', join(dir, 'live.db'), '--simulate', '20'],
  });
  const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const deskProblems = [];
  desk.on('pageerror', (e) => deskProblems.push(e.message));
  await consoleLogin(desk, daemon.url, 'operator', 'front of house');
  await new Promise((resolve) => setTimeout(resolve, 2500));	// the phones join, the metrics land
  // Phones on sockets too, so the report has measured input-to-state latency to show.
  const phones = await Promise.all([0, 1, 2].map(async () => {
    const p = new Phone(daemon.wsUrl);
    await p.opened;
    await p.hello();
    for (let i = 0; i < 5; i += 1) p.input('tap');
    return p;
  }));
  await new Promise((resolve) => setTimeout(resolve, 1500));	// a metrics row with their latency
  await desk.click('[data-testid="report-open"]');
  const link = desk.locator('[data-testid="report-download"]');
  await link.waitFor({ state: 'visible', timeout: 15000 });
  // Drawn in the console itself, under its own Content-Security-Policy: the same charts as the file.
  await desk.waitForSelector('[data-testid="report-inline"][data-ready="true"]', { timeout: 15000 });
  const inline = await desk.$$eval('[data-testid="report-inline"]', ([host]) =>
    [...host.shadowRoot.querySelectorAll('.chart')].map((box) => ({ id: box.dataset.chart,
      canvas: !!box.querySelector('canvas'), points: Number(box.dataset.points || 0) })));
  for (const want of ['participation', 'inputs', 'latency', 'safety', 'flash', 'alarms']) {
    const c = inline.find((x) => x.id === want);
    assert.ok(c && c.canvas && c.points > 0, `the console draws the ${want} chart (has: ${inline.map((x) => x.id).join(', ')})`);
  }
  assert.match(await desk.textContent('[data-testid="report-inline"] [data-figure="latency_p99"]'), /ms/,
    'the live report shows the measured input-to-state latency');
  await screenshot(desk, 'console-report.png', { viewport: true });
  await Promise.all(phones.map((p) => p.close()));
  const [download] = await Promise.all([desk.waitForEvent('download'), link.click()]);
  const saved = join(dir, 'console-report.html');
  await download.saveAs(saved);
  const opened = await browser.newPage();
  const leaks = [];
  opened.on('request', (r) => { if (!/^(file|data):/.test(r.url())) leaks.push(r.url()); });
  await opened.goto(pathToFileURL(saved).href);
  await opened.waitForSelector('#report[data-ready="true"]', { timeout: 10000 });
  assert.equal(await opened.locator('[data-figure="participants_total"] b').textContent(), '23',
    'the live report counts the 20 simulated phones and the 3 on sockets that joined');
  assert.ok(await opened.locator('.chart canvas').count() > 5, 'its charts are drawn');
  assert.deepEqual(leaks, []);
  await desk.click('[data-testid="report-close"]');
  assert.ok(await desk.locator('[data-testid="report-view"]').isHidden());
  assert.deepEqual(deskProblems, []);
});
