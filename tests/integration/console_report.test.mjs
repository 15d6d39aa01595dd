// The console's live post-show report (docs/report.md): a daemon with a journal and 30 simulated
// phones, and another without a journal. It proves GET /console/report needs a console session
// (401 without), answers a logged-in operator and artist with the report page built from the
// live journal (its data: the venue, the phones that joined so far), that a request made while a
// report is being built is told to try again or waits its turn rather than blocking the show (the
// daemon's /healthz answers meanwhile), and that a show with no journal says there is no report.
//
// Env: TUTTI_BIN.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { hashPassword } from '../lib/console.mjs';

const OPERATOR = 'front of house';
const ARTIST = 'on stage';
const dir = mkdtempSync(join(tmpdir(), 'tutti-console-report-'));
const daemons = [];

after(async () => {
  for (const d of daemons) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

const venue = () => writeConfig(smallVenue({
  console: { operator_password_hash: hashPassword(OPERATOR), artist_password_hash: hashPassword(ARTIST) },
}));

async function login(daemon, role, password) {
  const answer = await fetch(`${daemon.url}console/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role, password }),
  });
  assert.equal(answer.status, 200, `login as ${role}`);
  return answer.headers.get('set-cookie').split(';')[0];
}

// The report page's data, parsed from its JSON element.
function reportData(html) {
  const m = html.match(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/);
  assert.ok(m, 'the page carries its data');
  return JSON.parse(m[1].replaceAll('<\\/', '</'));
}

test('a logged-in console gets the report of the live journal; nobody else does', async () => {
  const daemon = await startDaemon({ config: venue(), args: ['--journal', join(dir, 'show.db'), '--simulate', '30'] });
  daemons.push(daemon);
  // The simulated phones join over the first two seconds, and the metrics land once a second: wait
  // (bounded) until the journal holds every join and two metrics rows, as a busy machine may delay it.
  const first = await login(daemon, 'operator', OPERATOR);
  for (const deadline = Date.now() + 15000; Date.now() < deadline;) {
    const r = await fetch(`${daemon.url}console/report`, { headers: { Cookie: first } });
    const d = r.status === 200 ? reportData(await r.text()) : null;
    if (d && d.show.participants_total >= 30 && d.metrics.t.length >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const anonymous = await fetch(`${daemon.url}console/report`);
  assert.equal(anonymous.status, 401);
  assert.equal((await anonymous.json()).error, 'no_session');

  for (const [role, password] of [['operator', OPERATOR], ['artist', ARTIST]]) {
    const cookie = await login(daemon, role, password);
    const answer = await fetch(`${daemon.url}console/report`, { headers: { Cookie: cookie } });
    assert.equal(answer.status, 200, `the ${role}'s report`);
    assert.match(answer.headers.get('content-type'), /^text\/html/);
    const html = await answer.text();
    assert.match(html, /uPlot/, 'the chart library is inline');
    const data = reportData(html);
    assert.equal(data.show.venue, 'Test Venue');
    assert.equal(data.show.participants_total, 30, 'every simulated phone that joined is in it');
    assert.ok(data.metrics.t.length >= 2, 'the metrics so far');
  }

  // Two at once: the second is told to try again, or is answered once the first is out; the show
  // goes on meanwhile.
  const cookie = await login(daemon, 'operator', OPERATOR);
  const both = await Promise.all([1, 2].map(() => fetch(`${daemon.url}console/report`, { headers: { Cookie: cookie } })));
  const health = await fetch(`${daemon.url}healthz`);
  assert.equal(health.status, 200);
  const statuses = both.map((a) => a.status).sort();
  assert.ok(statuses[0] === 200 && [200, 503].includes(statuses[1]), `two at once: ${statuses}`);
  for (const a of both) await a.text();
});

test('a show with no journal says there is no report', async () => {
  const daemon = await startDaemon({ config: venue() });
  daemons.push(daemon);
  const cookie = await login(daemon, 'operator', OPERATOR);
  const answer = await fetch(`${daemon.url}console/report`, { headers: { Cookie: cookie } });
  assert.equal(answer.status, 404);
  const body = await answer.json();
  assert.equal(body.error, 'no_journal');
  assert.match(body.message, /no journal/);
});

// The Report view runs the report's script and chart library from the daemon (the console's policy
// runs no inline script): the same bytes the file holds inline, with their types, and nothing else.
test('the report\'s parts are served for the console, and nothing beside them', async () => {
  const daemon = await startDaemon({ config: venue() });
  daemons.push(daemon);
  const cookie = await login(daemon, 'operator', OPERATOR);
  const page = await (await fetch(`${daemon.url}console/report`, { headers: { Cookie: cookie } })).text();
  assert.match(page, /no journal/);
  for (const [name, type, inFile] of [['uplot.js', /^text\/javascript/, /uPlot/], ['report.js', /^text\/javascript/, /tuttiReportScope/],
    ['uplot.css', /^text\/css/, /\.uplot/], ['report.css', /^text\/css/, /\.figure/]]) {
    const answer = await fetch(`${daemon.url}console/report/${name}`);
    assert.equal(answer.status, 200, name);
    assert.match(answer.headers.get('content-type'), type, `${name}'s type`);
    assert.match(await answer.text(), inFile, `${name} is the report's own`);
  }
  for (const name of ['index.html', '../console/index.html', 'uplot.js.map', '']) {
    const answer = await fetch(`${daemon.url}console/report/${name}`);
    assert.notEqual(answer.status, 200, `${name || '(empty)'} is not a part of the report`);
    await answer.text();
  }
});
