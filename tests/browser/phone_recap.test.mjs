// Browser test of the recap against the real daemon with a journal: a phone-sized Chromium joins,
// taps and votes; another phone taps too; the operator ends the show (show.end); the page turns
// to this participant's recap (its taps, its vote and that it won, its share, none of the other
// phone); after a clean restart of the daemon on the same journal the token still gets its recap,
// and the reloaded page shows it; "Forget me" then removes it from the phone and the venue, and a
// new request for that token finds nothing.
//
// Env: TUTTI_BIN, TUTTI_BUILD_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, byTestId, closeAll, phoneContext, tapTimes, waitForText as waitForTextOf } from '../lib/browser.mjs';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone } from '../lib/client.mjs';
import { consoleLogin, consoleSocket, hashPassword } from '../lib/console.mjs';

const WAIT_MS = 10000;
const PASSWORD = 'front of house';
const SCREENSHOT_DIR = join(process.env.TUTTI_BUILD_DIR || 'build', 'screenshots');
const journal = join(mkdtempSync(join(tmpdir(), 'tutti-recap-')), 'show.db');
const config = writeConfig(smallVenue({ console: { operator_password_hash: hashPassword(PASSWORD) } }));

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon({ config, args: ['--journal', journal] });
  browser = await launchChromium();
});

after(() => closeAll(browser, daemon));

const waitForText = (page, id, predicate, what) => waitForTextOf(page, id, predicate, what, daemon, WAIT_MS);

// What the venue answers a socket that asks for the recap of @token (no hello: after the show nobody joins).
async function recapOf(token) {
  const phone = new Phone(daemon.wsUrl);
  await phone.opened;
  phone.send({ type: 'recap', token });
  const recap = await phone.waitFor((m) => m.type === 'recap', 'a recap', WAIT_MS);
  await phone.close();
  return recap;
}

test('the show ends, the phone shows its recap, a restart keeps it, forget me removes it', { timeout: 120000 }, async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const context = await phoneContext(browser);
  const pageErrors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(daemon.url, { timeout: WAIT_MS });
    await waitForText(page, 'participant-id', (t) => /^p-/.test(t), 'joining');

    // Another phone in the other zone taps too: its id must never reach this phone's recap.
    const other = new Phone(daemon.wsUrl);
    const otherWelcome = await other.hello({ zone: 'right' });
    for (let i = 0; i < 3; i += 1) other.input('tap');

    await tapTimes(page, 5, WAIT_MS);
    await waitForText(page, 'my-taps', (t) => t === '5', 'own tap count');
    await byTestId(page, 'vote-option-2').tap({ timeout: WAIT_MS });
    await waitForText(page, 'vote-count-2', (t) => t === '1', 'Encore tally from the daemon');

    // The operator ends the show from the console (two taps): the page turns to its recap.
    const deskContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const deskPage = await deskContext.newPage();
    await consoleLogin(deskPage, daemon.url, 'operator', PASSWORD);
    const endShow = byTestId(deskPage, 'end-show');
    await endShow.click({ timeout: WAIT_MS });
    assert.match(await endShow.textContent(), /Tap again/, 'the first tap only arms it');
    await endShow.click({ timeout: WAIT_MS });
    await waitForText(deskPage, 'end-show-feedback', (t) => t.startsWith('✓'), 'the console says the show is over');
    await deskContext.close();
    const desk = await consoleSocket(daemon, PASSWORD);
    assert.equal((await desk.command({ cmd: 'cue.go' })).code, 'show_over', 'the cue stands still');
    desk.close();
    await byTestId(page, 'recap').waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitForText(page, 'recap-taps', (t) => t.startsWith('You tapped 5 times'), 'the recap\'s taps');
    await waitForText(page, 'recap-vote', (t) => t.includes('Encore') && t.includes('won'), 'the vote, won');
    await waitForText(page, 'recap-share', (t) => t.includes('of everything the crowd played'), 'the share');
    assert.match(await byTestId(page, 'recap-when').textContent(), /\d{4}/, 'the date of the night');
    assert.equal(await byTestId(page, 'controls').isVisible(), false, 'no controls after the show');
    const recapText = await byTestId(page, 'recap').textContent();
    assert.ok(!recapText.includes(otherWelcome.id), 'nothing of the other phone');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-recap.png'), fullPage: true });

    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('tutti.token')));
    assert.ok(token, 'the phone keeps its token');
    // Nobody joins after the end.
    const late = new Phone(daemon.wsUrl);
    await late.opened;
    late.send({ type: 'hello', token: null, zone: null });
    await late.waitFor((m) => m.type === 'error' && m.code === 'show_over', 'show_over', WAIT_MS);
    await late.close();
    other.ws.terminate();

    // A clean stop, then a daemon on the same journal (and port): the token still gets its recap.
    const port = daemon.port;
    assert.equal(await daemon.stop(), 0, daemon.output());
    daemon = await startDaemon({ config, args: ['--journal', journal], port });
    const again = await recapOf(token);
    assert.equal(again.found, true, JSON.stringify(again));
    assert.equal(again.inputs.tap, 5);
    assert.equal(again.votes[0].result, 'won');
    assert.ok(!JSON.stringify(again).includes(otherWelcome.id), 'nothing of the other phone');

    // A later visit: the page shows the recap again (asked by token, the show being over).
    await page.reload({ timeout: WAIT_MS });
    await waitForText(page, 'recap-taps', (t) => t.startsWith('You tapped 5 times'), 'the recap after a reload');

    // Forget me, from the recap: confirmed, then gone from the phone and the venue.
    await byTestId(page, 'recap-forget').tap({ timeout: WAIT_MS });
    await byTestId(page, 'forget-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
    await byTestId(page, 'forget-confirm').tap({ timeout: WAIT_MS });
    await byTestId(page, 'overlay').waitFor({ state: 'visible', timeout: WAIT_MS });
    await byTestId(page, 'recap').waitFor({ state: 'hidden', timeout: WAIT_MS });
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tutti.')));
    assert.deepEqual(kept, [], 'the phone keeps nothing');
    const gone = await recapOf(token);
    assert.equal(gone.found, false, JSON.stringify(gone));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
