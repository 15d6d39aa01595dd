// Integration test: starts the real `tutti run` daemon on a free loopback port and
// drives it with real WebSocket clients (the `ws` package) and HTTP requests.
// Proves: hello/welcome, inputs change the broadcast state, exact vote tallies,
// resume by token without double votes, every malformed-frame rule (1009, 1007,
// errors for bad JSON and binary frames) while the daemon keeps serving, the
// Origin allowlist, per-address and venue caps, rate-limit close, /healthz,
// /metrics, and a clean SIGTERM shutdown. A control that goes nowhere in its cue is a
// warning: `tutti check` prints it and exits 0, `tutti run` logs it and serves.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDaemon, writeConfig, smallVenue, TUTTI_BIN } from '../lib/daemon.mjs';
import { Phone, httpGet, metric } from '../lib/client.mjs';

let daemon;
const phones = [];
const phone = (opts) => { const p = new Phone(daemon.wsUrl, opts); phones.push(p); return p; };

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    // Every test phone comes from 127.0.0.1, like phones behind one NAT: the venue says so.
    limits: { inputs_per_second: 20, input_burst: 40, throttle_close_s: 1, max_message_bytes: 1024,
      max_connections_per_address: 100 },
  })) });
});

after(async () => {
  for (const p of phones) p.ws.terminate();
  if (daemon) await daemon.stop();
});

test('GET /healthz reports ok, participants and uptime', async () => {
  const r = await httpGet(`${daemon.url}healthz`);
  assert.equal(r.status, 200);
  assert.match(r.type, /application\/json/);
  const h = JSON.parse(r.body);
  assert.equal(h.status, 'ok');
  assert.equal(typeof h.participants, 'number');
  assert.ok(h.uptime_s >= 0);
});

test('GET / serves the phone app', async () => {
  const r = await httpGet(daemon.url);
  assert.equal(r.status, 200);
  assert.match(r.type, /text\/html/);
  assert.match(r.body, /<html/i);
});

test('hello gets a welcome, then states that count every phone', async () => {
  const group = [phone(), phone(), phone()];
  const welcomes = await Promise.all(group.map((p, i) => p.hello({ zone: i === 2 ? 'right' : 'left' })));
  assert.equal(new Set(welcomes.map((w) => w.id)).size, 3, 'distinct ids');
  assert.equal(welcomes[2].zone, 'right');
  for (const w of welcomes) assert.equal(w.protocol, 'tutti.audience.v2');
  const s = await group[2].waitFor((m) => m.type === 'state' && m.participants >= 3, 'state with 3 participants');
  assert.equal(s.cue.id, 'play');
  assert.deepEqual(s.cue.controls, ['tap', 'xy', 'slider', 'shake', 'vote']);
  assert.ok(s.poll && s.poll.id === 'song' && s.poll.open);
  // The show came once, in the first state; the rest carry the numbers alone, and the same version.
  const raw = group[2].messages.filter((m) => m.type === 's');
  assert.ok(raw[0].show, 'the first state carries the show');
  assert.ok(raw.slice(1).every((m) => !m.show && m.v === raw[0].show.v), 'later states: numbers only');
  await Promise.all(group.map((p) => p.close()));
});

test('inputs change the crowd state, and the state that acknowledges them includes them', async () => {
  const group = [phone(), phone(), phone(), phone()];
  await Promise.all(group.map((p) => p.hello()));
  const xs = [0.1, 0.2, 0.3, 0.9];
  const acked = group.map((p, i) => p.input('xy', { x: xs[i], y: 0.5 }));
  await Promise.all(group.map((p, i) => p.waitFor((m) => m.type === 'ack' && m.seq >= acked[i], 'xy ack')));
  group.forEach((p) => p.input('slider', { value: 0.75 }));
  const seq = group[0].input('tap');
  const ack = await group[0].waitFor((m) => m.type === 'ack' && m.seq >= seq, 'ack');
  // No message of its own: the acknowledgement is the state's k, and that state holds every xy.
  assert.equal(ack.from.type, 's');
  assert.ok(!group[0].messages.some((m) => m.type === 'ack' && !m.from), 'no ack messages on the wire');
  const s = await group[0].waitFor((m) => m.type === 'state' && m.raw.k >= seq &&
    Math.abs(m.crowd.xy.mean?.[0] - 0.375) < 0.01, 'state including the inputs');
  assert.ok(Math.abs(s.crowd.xy.mean[0] - 0.375) < 0.01, `x mean ${s.crowd.xy.mean[0]}`);
  assert.ok(Math.abs(s.crowd.xy.median[0] - 0.25) < 0.06, `x median ${s.crowd.xy.median[0]}`);
  assert.ok(Math.abs(s.crowd.slider.median - 0.75) < 0.01);
  assert.ok(s.crowd.taps_per_s > 0);
  assert.ok(s.active >= 4);
  await Promise.all(group.map((p) => p.close()));
});

test('a phone whose input was applied gets the next tick\'s state; a calm phone gets its lower rate', async () => {
  const [actor, watcher] = [phone(), phone()];
  await Promise.all([actor.hello(), watcher.hello()]);
  await watcher.waitFor((m) => m.type === 'state', 'a first state');
  const watchedFrom = watcher.messages.length;
  const actorFrom = actor.messages.length;
  const started = Date.now();
  let prompt = 0;
  for (let i = 0; i < 20; i += 1) {
    // Just after a state at tick T, an input: the state acknowledging it is built at T+1 (T+2 on a
    // busy tick), where the next broadcast would be T+3 (60 ticks, 20 broadcasts a second).
    const before = await actor.waitForNext((m) => m.type === 'state', 'a state');
    const seq = actor.input('tap');
    const s = await actor.waitFor((m) => m.type === 'state' && m.raw.k >= seq, 'the state acknowledging it');
    if (s.tick - before.tick <= 2) prompt += 1;
    await new Promise((r) => setTimeout(r, 20 + (i % 3) * 7));
  }
  assert.ok(prompt >= 15, `${prompt} of 20 inputs acknowledged in the next tick's state`);
  const seconds = (Date.now() - started) / 1000;
  // One message per tick at most: the acting phone's states are at most the broadcasts plus its inputs.
  const acted = actor.messages.slice(actorFrom).filter((m) => m.type === 's').length;
  assert.ok(acted / seconds <= 20 + 20 / seconds + 2, `the acting phone got ${acted} states in ${seconds.toFixed(2)} s`);
  // The watcher sent nothing: calm, about 4 states a second (timing.calm_hz), never the actor's prompts.
  const watched = watcher.messages.slice(watchedFrom).filter((m) => m.type === 's').length;
  assert.ok(watched / seconds <= 4 * 1.25, `the calm phone got ${watched} states in ${seconds.toFixed(2)} s`);
  assert.ok(watched / seconds >= 2, `the calm phone got ${watched} states in ${seconds.toFixed(2)} s`);
  await Promise.all([actor.close(), watcher.close()]);
});

test('a hidden page gets the lowest rate; shown again or asking sync, the whole show at once', async () => {
  const p = phone();
  await p.hello();
  await p.waitFor((m) => m.type === 'state', 'a first state');
  p.send({ type: 'visibility', hidden: true });
  await new Promise((r) => setTimeout(r, 300));
  const from = p.messages.length;
  await new Promise((r) => setTimeout(r, 4200));
  const hidden = p.messages.slice(from).filter((m) => m.type === 's').length;
  assert.ok(hidden >= 1 && hidden <= 3, `hidden for 4.2 s: ${hidden} states (one every 2 s)`);
  const shownAt = p.messages.length;
  p.send({ type: 'visibility', hidden: false });
  const back = await p.waitForNext((m) => m.type === 's', 'a state once shown', 1000);
  assert.ok(back.show, 'shown again: the whole show');
  assert.ok(p.messages.indexOf(back) >= shownAt);
  p.send({ type: 'sync' });
  const synced = await p.waitForNext((m) => m.type === 's' && m.show, 'the whole show after sync', 1000);
  assert.equal(synced.show.v, back.show.v, 'the same show, whole again');
  p.send({ type: 'visibility', hidden: 'yes' });
  const e = await p.waitForNext((m) => m.type === 'error', 'an error');
  assert.equal(e.code, 'invalid_field');
  await p.close();
});

test('vote tallies are exact, votes change but never double', async () => {
  const group = [phone(), phone(), phone(), phone(), phone()];
  await Promise.all(group.map((p) => p.hello()));
  const before = (await group[0].waitFor((m) => m.type === 'state', 'state')).poll.tallies;
  [0, 1, 1, 2, 2].forEach((c, i) => group[i].vote('song', c));
  group[4].vote('song', 2);	// same choice again: still one vote
  const want = [before[0] + 1, before[1] + 2, before[2] + 2];
  await group[0].waitFor((m) => m.type === 'state' && JSON.stringify(m.poll.tallies) === JSON.stringify(want),
    `tallies ${want}`);
  group[3].vote('song', 0);	// changes its vote
  const changed = [want[0] + 1, want[1], want[2] - 1];
  const s = await group[0].waitFor((m) => m.type === 'state' && JSON.stringify(m.poll.tallies) === JSON.stringify(changed),
    `tallies ${changed}`);
  assert.equal(s.poll.total, changed.reduce((a, b) => a + b));
  await Promise.all(group.map((p) => p.close()));
});

test('a reconnect with the token resumes the same participant without double votes', async () => {
  const first = phone();
  const w1 = await first.hello();
  const voteSeq = first.vote('song', 1);
  await first.waitFor((m) => m.type === 'ack' && m.seq >= voteSeq, 'vote ack');
  const tallies = (await first.waitForNext((m) => m.type === 'state', 'state')).poll.tallies;
  await first.close();

  const again = phone();
  const w2 = await again.hello({ token: w1.token });
  assert.equal(w2.resumed, true);
  assert.equal(w2.id, w1.id);
  assert.equal(w2.votes.song, 1);
  assert.equal(w2.last_seq, voteSeq);
  // The phone re-sends its vote with the same seq, as after a lost ack.
  again.send({ type: 'vote', seq: voteSeq, poll: 'song', choice: 1 });
  await again.waitFor((m) => m.type === 'ack' && m.seq === voteSeq, 'ack of the re-sent vote');
  const s = await again.waitForNext((m) => m.type === 'state', 'state');
  assert.deepEqual(s.poll.tallies, tallies);
  await again.close();
});

test('malformed JSON, unknown types, bad values and binary frames get errors; the socket stays open', async () => {
  const p = phone();
  await p.opened;
  p.send({ type: 'input', seq: 1, control: 'tap' });
  await p.waitFor((m) => m.type === 'error' && m.code === 'not_joined', 'not_joined');
  await p.hello();
  p.send('{not json');
  await p.waitFor((m) => m.type === 'error' && m.code === 'malformed_json', 'malformed_json');
  p.send({ type: 'teleport' });
  await p.waitFor((m) => m.type === 'error' && m.code === 'unknown_type', 'unknown_type');
  p.send({ type: 'input', seq: ++p.seq, control: 'xy', x: 2, y: 0 });
  await p.waitFor((m) => m.type === 'error' && m.code === 'out_of_range' && m.seq === p.seq, 'out_of_range');
  p.send({ type: 'vote', seq: ++p.seq, poll: 'nope', choice: 0 });
  await p.waitFor((m) => m.type === 'error' && m.code === 'unknown_poll', 'unknown_poll');
  p.sendRaw(Buffer.from([1, 2, 3]), true);
  await p.waitFor((m) => m.type === 'error' && m.code === 'binary_frame', 'binary_frame');
  p.send({ type: 'hello', token: null });
  await p.waitFor((m) => m.type === 'error' && m.code === 'already_joined', 'already_joined');
  p.send({ type: 'ping', t0: 123.5 });
  const pong = await p.waitFor((m) => m.type === 'pong', 'pong');
  assert.equal(pong.t0, 123.5);
  assert.ok(pong.t2 >= pong.t1);
  assert.equal(p.closed, null);
  await p.close();
});

test('an oversized frame closes with 1009, invalid UTF-8 with 1007, and the daemon keeps serving', async () => {
  const big = phone();
  await big.hello();
  big.send(JSON.stringify({ type: 'ping', t0: 1, pad: 'x'.repeat(5000) }));
  assert.equal((await big.waitClose()).code, 1009);

  const bad = phone();
  await bad.hello();
  bad.sendRaw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));	// {"\xff\xfe"} as a text frame
  assert.equal((await bad.waitClose()).code, 1007);

  const ok = phone();
  const w = await ok.hello();
  assert.ok(w.id);
  await ok.close();

  const m = (await httpGet(`${daemon.url}metrics`)).body;
  assert.ok(metric(m, 'tutti_inputs_rejected_total{reason="too_large"}') >= 1);
  assert.ok(metric(m, 'tutti_inputs_rejected_total{reason="invalid_utf8"}') >= 1);
  assert.ok(metric(m, 'tutti_inputs_rejected_total{reason="malformed_json"}') >= 1);
  assert.ok(metric(m, 'tutti_connections_closed_by_code_total{code="1009"}') >= 1);
});

test('a phone that floods past its rate is throttled, then closed with 1008', async () => {
  const p = phone();
  await p.hello();
  const flood = setInterval(() => { for (let i = 0; i < 10; i++) p.input('tap'); }, 10);
  try {
    await p.waitFor((m) => m.type === 'error' && m.code === 'rate_limited', 'rate_limited');
    assert.equal((await p.waitClose(5000)).code, 1008);
  } finally {
    clearInterval(flood);
  }
});

test('a foreign Origin is refused at the handshake', async () => {
  const p = new Phone(daemon.wsUrl, { origin: 'http://evil.example' });
  await assert.rejects(p.opened);
  const own = phone({ origin: daemon.url.replace(/\/$/, '') });
  await own.hello();
  await own.close();
  const m = (await httpGet(`${daemon.url}metrics`)).body;
  assert.ok(metric(m, 'tutti_inputs_rejected_total{reason="origin"}') >= 1);
});

test('/metrics speaks Prometheus text with the core counters', async () => {
  const r = await httpGet(`${daemon.url}metrics`);
  assert.equal(r.status, 200);
  assert.match(r.type, /text\/plain/);
  for (const name of ['tutti_connections', 'tutti_participants', 'tutti_ticks_total',
    'tutti_tick_duration_seconds_count', 'tutti_broadcast_bytes_total']) {
    assert.ok(metric(r.body, name) !== undefined, `${name} missing`);
  }
  assert.ok(metric(r.body, 'tutti_ticks_total') > 0);
  assert.ok(metric(r.body, 'tutti_inputs_accepted_total{control="vote"}') >= 5);
  assert.match(r.body, /# TYPE tutti_tick_duration_seconds histogram/);
});

test('caps: per-address connections close with 1008, a full venue says so and closes with 1013', async () => {
  const capped = await startDaemon({ config: writeConfig(smallVenue({
    capacity: 3, zones: [{ id: 'left', capacity: 3 }], limits: { max_connections_per_address: 4 },
  })) });
  const open = [];
  try {
    for (let i = 0; i < 3; i++) {
      const p = new Phone(capped.wsUrl);
      open.push(p);
      await p.hello();
    }
    const fourth = new Phone(capped.wsUrl);
    open.push(fourth);
    await fourth.opened;
    fourth.send({ type: 'hello', token: null });
    const full = await fourth.waitFor((m) => m.type === 'error' && m.code === 'venue_full', 'venue_full');
    assert.ok(full.retry_ms > 0);
    assert.equal((await fourth.waitClose()).code, 1013);

    // Four sockets from this address are open or just closed; a fifth at once is over the cap.
    const extra = [new Phone(capped.wsUrl), new Phone(capped.wsUrl)];
    open.push(...extra);
    const codes = await Promise.all(extra.map(async (p) => {
      await p.opened;
      const e = await p.waitFor((m) => m.type === 'error', 'an error', 3000).catch(() => null);
      return e && e.code;
    }));
    assert.ok(codes.includes('too_many_connections'), `codes ${codes}`);
  } finally {
    for (const p of open) p.ws.terminate();
    assert.equal(await capped.stop(), 0);
  }
});

test('a WebSocket without the tutti.audience.v2 subprotocol (none, or v1) is refused', async () => {
  const { default: WebSocket } = await import('ws');
  for (const protocols of [undefined, 'tutti.audience.v1']) {
    const ws = new WebSocket(daemon.wsUrl, protocols);
    const outcome = await new Promise((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token: null, zone: null })));
      ws.on('message', () => resolve('message'));
      ws.on('close', () => resolve('closed'));
      ws.on('error', () => resolve('refused'));
      setTimeout(() => resolve('still open'), 3000);
    });
    ws.terminate();
    assert.notEqual(outcome, 'still open', `subprotocol ${protocols}`);
    assert.notEqual(outcome, 'message', `subprotocol ${protocols}`);
  }
});

test('one address cannot stuff a poll by reconnecting as new participants', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({ limits: { max_connections_per_address: 3 } })) });
  try {
    let joined = 0, refused = 0;
    for (let i = 0; i < 12; i++) {
      const p = new Phone(d.wsUrl);
      await p.opened;
      p.send({ type: 'hello', token: null });
      const m = await p.waitFor((x) => x.type === 'welcome' || x.type === 'error', 'welcome or error');
      if (m.type === 'welcome') { joined++; p.vote('song', 1); await p.waitFor((x) => x.type === 'ack', 'ack'); }
      else { assert.equal(m.code, 'too_many_joins'); refused++; }
      await p.close();
    }
    assert.equal(joined, 3);
    assert.equal(refused, 9);
    const s = JSON.parse((await httpGet(`${d.url}healthz`)).body);
    assert.equal(s.status, 'ok');
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('an explicit Origin allowlist is matched exactly', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue({
    limits: { allowed_origins: ['https://tutti.example'] },
  })) });
  try {
    const listed = new Phone(d.wsUrl, { origin: 'https://tutti.example' });
    await listed.hello();
    listed.ws.terminate();
    for (const origin of ['https://tutti.example.evil', 'http://tutti.example', d.url.replace(/\/$/, '')]) {
      const p = new Phone(d.wsUrl, { origin });
      await assert.rejects(p.opened, `origin ${origin} must be refused`);
    }
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('SIGTERM shuts the daemon down cleanly (exit 0), telling phones 1001', async () => {
  const d = await startDaemon({ config: writeConfig(smallVenue()) });
  const p = new Phone(d.wsUrl);
  await p.hello();
  const [code, closed] = await Promise.all([d.stop(), p.waitClose(3000)]);
  assert.equal(code, 0, d.output());
  assert.equal(closed.code, 1001, 'phones are told the daemon is going away');
});

test('a control that goes nowhere is a warning: check exits 0, run logs it and serves', async () => {
  const config = writeConfig(smallVenue({
    cues: [{ id: 'doors', scene: 'join', controls: ['tap'] }],
  }), 'nowhere.json');
  const warning = /warning: .*nowhere\.json: \/cues\/0\/controls: "tap" goes nowhere in this cue/;
  const check = spawnSync(TUTTI_BIN, ['check', config]);
  assert.equal(check.status, 0, check.stderr.toString());
  assert.match(check.stdout.toString(), /ok: "Test Venue"/);
  assert.match(check.stderr.toString(), /nowhere\.json: warning: \/cues\/0\/controls: "tap" goes nowhere/);
  const d = await startDaemon({ config });
  try {
    assert.match(d.output(), warning);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});
