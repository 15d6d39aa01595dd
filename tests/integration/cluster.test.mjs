// A show spread over processes (docs/scale.md): a real nats-server, a core (`tutti run --cluster
// --journal`) and two edges (`tutti edge`), all started here; 300 phones, half on each edge.
// Tallies are exact across the edges; an edge killed mid-show loses nobody (its phones resume
// on the other edge as themselves, votes kept, none counted twice); NATS going away keeps every
// phone connected with its last state and raises the alarm, and its return brings inputs back;
// a core killed and restarted on its journal finds every phone again through the edges' re-sync,
// without the phones noticing.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TUTTI_BIN, startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone, httpGet, metric } from '../lib/client.mjs';
import { journalTallies, sql, waitFor } from '../lib/loadgen.mjs';

const PHONES = 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// nats-server on @port; resolves once it takes connections.
async function startNats(port) {
  const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitFor('nats-server to listen', 10000, () => new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  }));
  return proc;
}

const stopProc = (p) => new Promise((resolve) => {
  if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
  p.once('exit', resolve);
  p.kill('SIGKILL');
});

const json = async (url) => JSON.parse((await httpGet(url)).body);
const tallies = (state) => state.poll?.tallies;

test('a core and two edges over NATS: exact tallies, an edge killed, NATS away, the core restarted', { timeout: 110000 }, async () => {
  const natsPort = await freePort();
  const nats = { proc: await startNats(natsPort) };
  const url = `nats://127.0.0.1:${natsPort}`;
  const dir = mkdtempSync(join(tmpdir(), 'tutti-cluster-'));
  const journal = join(dir, 'show.db');
  const config = writeConfig(smallVenue({
    capacity: 1000,
    zones: [{ id: 'left', name: 'Left', capacity: 500 }, { id: 'right', name: 'Right', capacity: 500 }],
    limits: { max_connections_per_address: 1000 },
    cluster: { subject: `tutti.test${natsPort}`, edge_timeout_s: 1.5 },
  }));
  const coreArgs = ['--cluster', url, '--journal', journal];
  let core = await startDaemon({ config, args: coreArgs });
  const edges = [
    await startDaemon({ config, edge: true, args: ['--cluster', url, '--name', 'north'] }),
    await startDaemon({ config, edge: true, args: ['--cluster', url, '--name', 'south'] }),
  ];
  const phones = [];
  after(async () => {
    for (const p of phones) p.ws.terminate();
    for (const e of edges) await e.stop();
    await core.stop();
    await stopProc(nats.proc);
  });
  await waitFor('the core to hear both edges', 10000, async () =>
    metric((await httpGet(core.url + 'metrics')).body, 'tutti_cluster_edges') === 2);

  // 300 phones, alternately on each edge, each votes (choice i % 3).
  for (let i = 0; i < PHONES; i += 1) phones.push(new Phone(edges[i % 2].wsUrl));
  const welcomes = await Promise.all(phones.map((p, i) => p.hello({ zone: i % 2 ? 'right' : 'left' })));
  assert.equal(new Set(welcomes.map((w) => w.id)).size, PHONES, 'every phone a participant of its own');
  const choice = phones.map((_, i) => i % 3);
  await Promise.all(phones.map(async (p, i) => {
    const seq = p.vote('song', choice[i]);
    await p.waitFor((m) => m.type === 'ack' && m.seq >= seq, `phone ${i}'s vote acknowledged`, 10000);
  }));
  const expect = [0, 0, 0];
  choice.forEach((c) => { expect[c] += 1; });
  for (const p of [phones[0], phones[1]]) {
    const s = await p.waitForNext((m) => m.type === 'state' && m.poll?.total === PHONES, 'all 300 votes', 5000);
    assert.deepEqual(tallies(s), expect, 'the tallies phones on both edges see are the venue\'s');
    assert.equal(s.participants, PHONES);
  }
  assert.equal(metric((await httpGet(core.url + 'metrics')).body, 'tutti_cluster_edge_phones'), PHONES);

  // Edge "north" dies: its phones reconnect to "south" with their tokens, within 10 s, as themselves.
  const moved = phones.map((p, i) => i).filter((i) => i % 2 === 0);
  edges[0].proc.kill('SIGKILL');
  await Promise.all(moved.map((i) => phones[i].waitClose(5000)));
  const killedAt = Date.now();
  const back = await Promise.all(moved.map(async (i) => {
    const p = new Phone(edges[1].wsUrl);
    const w = await p.hello({ token: welcomes[i].token });
    phones[i] = p;
    return w;
  }));
  assert.ok(Date.now() - killedAt < 10000, 'every phone of the dead edge resumed within 10 s');
  back.forEach((w, k) => {
    assert.equal(w.resumed, true, 'resumed, not a new participant');
    assert.equal(w.id, welcomes[moved[k]].id);
    assert.deepEqual(w.votes, { song: choice[moved[k]] }, 'its vote kept');
  });
  await waitFor('the core to let the dead edge go', 10000, async () =>
    metric((await httpGet(core.url + 'metrics')).body, 'tutti_cluster_edges_lost_total') === 1);
  const health = await json(core.url + 'healthz');
  assert.equal(health.cluster.edges, 1);
  assert.match(health.cluster.lost_edge, /^north-[0-9a-f]{8}$/);
  // Thirty of the moved phones change their vote: counted once, through the other edge.
  for (const i of moved.slice(0, 30)) {
    const seq = phones[i].vote('song', (choice[i] + 1) % 3);
    expect[choice[i]] -= 1;
    choice[i] = (choice[i] + 1) % 3;
    expect[choice[i]] += 1;
    await phones[i].waitFor((m) => m.type === 'ack' && m.seq >= seq, 'changed vote acknowledged', 5000);
  }
  let s = await phones[1].waitForNext((m) => m.type === 'state' && m.poll && tallies(m).join() === expect.join(),
    `tallies ${expect}`, 5000);
  assert.equal(s.participants, PHONES, 'nobody lost with the edge');

  // NATS goes away: the edge keeps every phone and the last state, and says so; the core raises its alarm.
  await stopProc(nats.proc);
  await waitFor('the edge to report NATS down', 5000, async () => (await json(edges[1].url + 'healthz')).cluster.nats === false);
  assert.equal((await json(edges[1].url + 'healthz')).status, 'degraded');
  await waitFor('the core to report NATS down', 5000, async () => (await json(core.url + 'healthz')).cluster.nats === false);
  await sleep(2000);	// longer than the edge timeout: the core must not let the edge's phones go meanwhile
  assert.ok(phones.every((p) => p.closed === null), 'no phone closed while NATS was away');
  nats.proc = await startNats(natsPort);
  await waitFor('the edge back on NATS', 10000, async () => (await json(edges[1].url + 'healthz')).status === 'ok');
  // The core's link came back too: it took a new instance, and the edge resumed its phones there.
  // (What phones send before that is lost, as while NATS was away: docs/scale.md.)
  await waitFor('the edge to resume its phones at the core', 10000, async () =>
    (await json(edges[1].url + 'healthz')).cluster.core_restarts === 1);
  const j = moved[40];
  let seq = phones[j].vote('song', (choice[j] + 1) % 3);
  expect[choice[j]] -= 1;
  choice[j] = (choice[j] + 1) % 3;
  expect[choice[j]] += 1;
  await phones[j].waitFor((m) => m.type === 'ack' && m.seq >= seq, 'a vote after NATS came back acknowledged', 10000);
  s = await phones[1].waitForNext((m) => m.type === 'state' && m.poll && tallies(m).join() === expect.join(),
    `tallies ${expect} after NATS came back`, 5000);
  assert.equal(s.participants, PHONES, 'every phone still a participant after the outage');

  // The core is killed and restarted on its journal: the edge re-syncs its phones, which notice nothing.
  const welcomesBefore = phones.map((p) => p.messages.filter((m) => m.type === 'welcome').length);
  const instancesBefore = (await json(edges[1].url + 'healthz')).cluster.core_restarts;
  core.proc.kill('SIGKILL');
  await new Promise((r) => core.proc.once('exit', r));
  core = await startDaemon({ config, args: coreArgs });
  await waitFor('the edge to re-sync with the new core', 10000, async () =>
    (await json(edges[1].url + 'healthz')).cluster.core_restarts === instancesBefore + 1);
  const k = moved[50];
  seq = phones[k].vote('song', (choice[k] + 1) % 3);
  expect[choice[k]] -= 1;
  choice[k] = (choice[k] + 1) % 3;
  expect[choice[k]] += 1;
  await phones[k].waitFor((m) => m.type === 'ack' && m.seq >= seq, 'a vote at the restarted core acknowledged', 10000);
  s = await phones[1].waitForNext((m) => m.type === 'state' && m.poll && tallies(m).join() === expect.join()
    && m.participants === PHONES, `all ${PHONES} back, tallies ${expect}`, 10000);
  assert.ok(phones.every((p) => p.closed === null), 'no phone closed by the core\'s restart');
  assert.deepEqual(phones.map((p) => p.messages.filter((m) => m.type === 'welcome').length), welcomesBefore,
    'the re-sync sent no phone a second welcome');

  // The edge's own page of metrics, and a clean stop: its phones told the show is over.
  const em = (await httpGet(edges[1].url + 'metrics')).body;
  assert.equal(metric(em, 'tutti_cluster_nats_connected'), 1);
  assert.equal(metric(em, 'tutti_cluster_core_restarts_total'), 2);
  // After NATS came back (once for its own link, maybe again for the core's new instance) and after the restart.
  assert.ok(metric(em, 'tutti_cluster_resyncs_total') >= 2, 'resumed its phones after NATS came back and after the restart');
  assert.equal(metric(em, 'tutti_connections'), PHONES);
  assert.equal(await edges[1].stop(), 0, 'the edge stops cleanly on SIGTERM');
  const codes = await Promise.all(phones.map((p) => p.waitClose(5000)));
  assert.ok(codes.every((c) => c.code === 1001), 'every phone told the edge is going away');

  // The journal holds exactly what the phones were told, no vote twice.
  await core.stop();
  assert.deepEqual(journalTallies(journal, 0), expect);
  assert.equal(sql(journal, 'SELECT count(*) AS n FROM vote WHERE poll = 0')[0].n, PHONES,
    'one vote per participant, whichever edges it came through');
});

test('a phone that said hello before any core was heard is told to come again, and joins', { timeout: 30000 }, async () => {
  const natsPort = await freePort();
  const nats = await startNats(natsPort);
  const url = `nats://127.0.0.1:${natsPort}`;
  const config = writeConfig(smallVenue({ cluster: { subject: `tutti.early${natsPort}` } }));
  const edge = await startDaemon({ config, edge: true, args: ['--cluster', url] });
  let core = null;
  try {
    const early = new Phone(edge.wsUrl);
    await early.opened;
    early.send({ type: 'hello', token: null, zone: null });	// to nobody: no core yet
    await sleep(500);
    assert.equal(early.messages.filter((m) => m.type === 'welcome').length, 0);
    core = await startDaemon({ config, args: ['--cluster', url] });
    const closed = await early.waitClose(10000);
    assert.equal(closed.code, 1012, 'closed as "service restart": the phone app reconnects by itself');
    const again = new Phone(edge.wsUrl);
    const w = await again.hello();
    assert.match(w.id, /^p-[0-9a-f]{8}$/);
    again.ws.terminate();
  } finally {
    await edge.stop();
    if (core) await core.stop();
    await stopProc(nats);
  }
});

// The link's credentials and TLS come from the config's "cluster" section: a NATS server that asks
// for a user and password over TLS takes the core and an edge that have them, and refuses an edge
// with the wrong password, which keeps trying and says so.
test('NATS credentials and TLS from the config', { timeout: 40000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-cluster-tls-'));
  execFileSync(TUTTI_BIN, ['tls-cert', dir, '--name', 'localhost'], { stdio: 'ignore' });
  const cert = join(dir, 'console.crt');
  const natsPort = await freePort();
  const nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '--user', 'tutti',
    '--pass', 'stage-door', '--tls', '--tlscert', cert, '--tlskey', join(dir, 'console.key')], { stdio: 'ignore' });
  await waitFor('nats-server to listen', 10000, () => new Promise((resolve) => {
    const c = connect(natsPort, '127.0.0.1', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  }));
  const url = `tls://localhost:${natsPort}`;
  const cluster = { subject: `tutti.tls${natsPort}`, user: 'tutti', password: 'stage-door', ca_file: cert };
  const config = writeConfig(smallVenue({ cluster }));
  const wrong = writeConfig(smallVenue({ cluster: { ...cluster, password: 'guess' } }));
  const core = await startDaemon({ config, args: ['--cluster', url] });
  const edge = await startDaemon({ config, edge: true, args: ['--cluster', url] });
  const intruder = await startDaemon({ config: wrong, edge: true, args: ['--cluster', url] });
  try {
    await waitFor('the core to hear the edge', 10000, async () =>
      metric((await httpGet(core.url + 'metrics')).body, 'tutti_cluster_edges') === 1);
    const p = new Phone(edge.wsUrl);
    const w = await p.hello();
    assert.match(w.id, /^p-[0-9a-f]{8}$/, 'a phone joins through the edge over TLS');
    p.ws.terminate();
    await sleep(1500);	// a few of its tries: libnats retries in the background, and so do we
    const h = await json(intruder.url + 'healthz');
    assert.equal(h.status, 'degraded');
    assert.equal(h.cluster.nats, false, 'the wrong password is refused');
    // Refused at the first try, or (as libnats sees it when the first try is on its way) not there yet.
    assert.match(intruder.output(), /cluster: NATS at tls:\/\/localhost:\d+ refused edge-[0-9a-f]{8}: .*; trying again every 2 s|cluster: no NATS server at tls:\/\/localhost:\d+ yet; edge-[0-9a-f]{8} keeps trying/);
    assert.equal(metric((await httpGet(core.url + 'metrics')).body, 'tutti_cluster_edges'), 1, 'the intruder never reached the core');
  } finally {
    await intruder.stop();
    await edge.stop();
    await core.stop();
    await stopProc(nats);
  }
});
