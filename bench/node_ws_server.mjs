// A reference audience server in Node (the `ws` package), speaking tutti.audience.v1 as the
// daemon did before v2, for the load generator's side-by-side benchmark (bench/compare_ws.sh,
// bench/README.md). One process and one thread, as the daemon's net thread: the crowd's
// aggregates kept as the daemon keeps them (tap buckets, histograms for the medians, a tempo per
// tapper), a 60 Hz tick, the full v1 `state` to every phone at 20 Hz and to a phone whose input
// was applied at the next tick, `ack` {seq, tick} for every input and vote, `pong` for `ping`.
// Resumes by token, one vote per participant per poll, an input rate per participant.
//
//   node bench/node_ws_server.mjs PORT [VENUE_JSON]     (PORT 0: any free port)
//
// Prints "listening on http://127.0.0.1:PORT/"; serves /metrics and /healthz as the daemon does
// for the load generator's probe. Loopback only. Not what phones use at a show: the daemon is.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { WebSocketServer } from '../tests/node_modules/ws/wrapper.mjs';

const PROTOCOL = 'tutti.audience.v1';
const TICK_HZ = 60;
const BROADCAST_HZ = 20;
const ACTIVE_WINDOW_S = 5;
const TAP_WINDOW_S = 2;			// taps_per_s is measured over this
const KINETIC_WINDOW_S = 2;		// a tempo or a shake lasts this long without taps or shakes
const TAP_BUCKET_S = 0.1;
const TAP_BUCKETS = 20;
const VALUE_BINS = 256;			// histogram of values in [0, 1], for the medians
const TEMPO_MIN_BPM = 40;
const TEMPO_MAX_BPM = 240;
const TEMPO_BIN_BPM = 0.5;
const TEMPO_BINS = 401;
const TEMPO_INTERVALS = 4;		// a participant's tempo is the median of these
const TEMPO_MIN_STEADY = 3;
const TEMPO_TOLERANCE = 0.2;		// every interval within 20 % of their median
const TEMPO_MIN_TAPPERS = 3;
const SKIP_BUFFERED = 16384;		// a phone with this much unsent skips a state

const port = Number(process.argv[2] ?? 8090);
const venuePath = process.argv[3] ?? new URL('./venue-load.json', import.meta.url).pathname;
const venue = JSON.parse(readFileSync(venuePath, 'utf8'));
const limits = { inputs_per_second: 10, input_burst: 20, max_message_bytes: 1024, ...venue.limits };
const zones = venue.zones?.length ? venue.zones : [{ id: 'main', name: 'Main' }];
const cue = venue.cues[0];
const poll = cue.poll ?? null;
const started = performance.now();
const showS = () => (performance.now() - started) / 1000;
const ms = (s) => (s * 1000).toFixed(3);

const metrics = { rejected: {}, tickOverruns: 0, statesSkipped: 0, tickMaxS: 0, connections: 0 };

// ---- the crowd: aggregates per zone, changed as inputs arrive, as the daemon's crowd.c ----

function valueStats() {
  return { n: 0, sum: 0, bins: new Uint32Array(VALUE_BINS) };
}
const valueBin = (v) => Math.min(VALUE_BINS - 1, Math.floor(v * VALUE_BINS));
function valueAdd(s, v, sign) {
  s.n += sign;
  s.sum += sign * v;
  s.bins[valueBin(v)] += sign;
}
function valueMedian(s) {
  let seen = 0;
  for (let b = 0; b < VALUE_BINS; b++) {
    seen += s.bins[b];
    if (seen * 2 >= s.n) return (b + 0.5) / VALUE_BINS;
  }
  return 0;
}
const tempoBin = (bpm) => Math.round((Math.min(TEMPO_MAX_BPM, Math.max(TEMPO_MIN_BPM, bpm)) - TEMPO_MIN_BPM) / TEMPO_BIN_BPM);
function tempoMedian(bins, n) {
  let seen = 0;
  for (let b = 0; b < TEMPO_BINS; b++) {
    seen += bins[b];
    if (seen * 2 >= n) return TEMPO_MIN_BPM + b * TEMPO_BIN_BPM;
  }
  return 0;
}

function zoneAgg() {
  return {
    participants: 0, active: 0, tapStamp: new Float64Array(TAP_BUCKETS).fill(-1), taps: new Uint32Array(TAP_BUCKETS),
    tempoN: 0, tempo: new Uint32Array(TEMPO_BINS), x: valueStats(), y: valueStats(), slider: valueStats(),
    shakeN: 0, shakeSum: 0,
  };
}
const aggs = zones.map(zoneAgg);
const tallies = poll ? new Array(poll.options.length).fill(0) : [];
const participants = new Map();		// token -> participant
const activeOrder = new Map();		// participant -> true, oldest input first
const kineticOrder = new Map();		// participant -> true, oldest tap or shake first

function dropTempo(p) {
  if (p.tempo === null) return;
  aggs[p.zone].tempo[tempoBin(p.tempo)]--;
  aggs[p.zone].tempoN--;
  p.tempo = null;
}
function dropShake(p) {
  if (p.shake === null) return;
  aggs[p.zone].shakeN--;
  aggs[p.zone].shakeSum -= p.shake;
  p.shake = null;
}
function dropPositional(p) {
  const z = aggs[p.zone];
  if (p.x !== null) { valueAdd(z.x, p.x, -1); valueAdd(z.y, p.y, -1); p.x = p.y = null; }
  if (p.slider !== null) { valueAdd(z.slider, p.slider, -1); p.slider = null; }
}
function markActive(p, now) {
  p.lastInputS = now;
  activeOrder.delete(p);
  activeOrder.set(p, true);
  if (!p.active) { p.active = true; aggs[p.zone].active++; }
}
function markKinetic(p, now) {
  p.lastKineticS = now;
  kineticOrder.delete(p);
  kineticOrder.set(p, true);
}
// A phone that leaves takes its contributions with it at once.
function leave(p) {
  dropTempo(p);
  dropShake(p);
  dropPositional(p);
  if (p.active) aggs[p.zone].active--;
  p.active = false;
  p.intervals.length = 0;
  activeOrder.delete(p);
  kineticOrder.delete(p);
  aggs[p.zone].participants--;
}

function updateTempo(p, interval) {
  if (interval < (60 / TEMPO_MAX_BPM) * 0.9) return;	// a double tap, not a beat
  if (interval > 60 / TEMPO_MIN_BPM) { p.intervals.length = 0; dropTempo(p); return; }
  p.intervals.unshift(interval);
  if (p.intervals.length > TEMPO_INTERVALS) p.intervals.length = TEMPO_INTERVALS;
  dropTempo(p);
  if (p.intervals.length < TEMPO_MIN_STEADY) return;
  const sorted = [...p.intervals].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  if (sorted.some((v) => v < median * (1 - TEMPO_TOLERANCE) || v > median * (1 + TEMPO_TOLERANCE))) return;
  p.tempo = 60 / median;
  aggs[p.zone].tempo[tempoBin(p.tempo)]++;
  aggs[p.zone].tempoN++;
}

function applyInput(p, m, now) {
  const z = aggs[p.zone];
  switch (m.control) {
    case 'tap': {
      const slot = Math.floor(now / TAP_BUCKET_S), b = slot % TAP_BUCKETS;
      if (z.tapStamp[b] !== slot) { z.tapStamp[b] = slot; z.taps[b] = 0; }
      z.taps[b]++;
      if (p.lastTapS > 0) updateTempo(p, now - p.lastTapS);
      p.lastTapS = now;
      markKinetic(p, now);
      break;
    }
    case 'xy':
      if (p.x !== null) { valueAdd(z.x, p.x, -1); valueAdd(z.y, p.y, -1); }
      p.x = m.x; p.y = m.y;
      valueAdd(z.x, p.x, 1); valueAdd(z.y, p.y, 1);
      break;
    case 'slider':
      if (p.slider !== null) valueAdd(z.slider, p.slider, -1);
      p.slider = m.value;
      valueAdd(z.slider, p.slider, 1);
      break;
    case 'shake':
      dropShake(p);
      p.shake = m.energy;
      z.shakeN++;
      z.shakeSum += p.shake;
      markKinetic(p, now);
      break;
  }
  markActive(p, now);
}

// Once a tick: contributions past their window go.
function crowdTick(now) {
  for (const p of kineticOrder.keys()) {
    if (now - p.lastKineticS <= KINETIC_WINDOW_S) break;
    dropTempo(p);
    dropShake(p);
    p.intervals.length = 0;
    kineticOrder.delete(p);
  }
  for (const p of activeOrder.keys()) {
    if (now - p.lastInputS <= ACTIVE_WINDOW_S) break;
    dropPositional(p);
    if (p.active) aggs[p.zone].active--;
    p.active = false;
    activeOrder.delete(p);
  }
}

function tapsInWindow(z, now) {
  const slot = Math.floor(now / TAP_BUCKET_S);
  let sum = 0;
  for (let b = 0; b < TAP_BUCKETS; b++)
    if (z.tapStamp[b] > slot - TAP_BUCKETS && z.tapStamp[b] <= slot) sum += z.taps[b];
  return sum;
}

const num = (v, digits) => (v === null ? 'null' : v.toFixed(digits));

// The summary fields of the whole venue or of one zone, as the daemon writes them.
function summaryJson(z, taps) {
  const tempo = z.tempoN >= TEMPO_MIN_TAPPERS ? tempoMedian(z.tempo, z.tempoN) : null;
  const xy = z.x.n ? `{"n":${z.x.n},"mean":[${(z.x.sum / z.x.n).toFixed(4)},${(z.y.sum / z.y.n).toFixed(4)}],` +
    `"median":[${valueMedian(z.x).toFixed(4)},${valueMedian(z.y).toFixed(4)}]}` : `{"n":0,"mean":null,"median":null}`;
  const slider = z.slider.n ? `{"n":${z.slider.n},"mean":${(z.slider.sum / z.slider.n).toFixed(4)},` +
    `"median":${valueMedian(z.slider).toFixed(4)}}` : `{"n":0,"mean":null,"median":null}`;
  const energy = z.active ? Math.min(1, z.shakeSum / z.active) : 0;
  return `"participants":${z.participants},"active":${z.active},"taps_per_s":${(taps / TAP_WINDOW_S).toFixed(2)},` +
    `"tempo_bpm":${num(tempo, 1)},"tempo_n":${z.tempoN},"xy":${xy},"slider":${slider},` +
    `"shake":{"n":${z.shakeN},"energy":${energy.toFixed(4)}}`;
}

// The venue's aggregates: the zones' merged.
function venueAgg(now) {
  const all = zoneAgg();
  let taps = 0;
  for (const z of aggs) {
    taps += tapsInWindow(z, now);
    all.participants += z.participants;
    all.active += z.active;
    all.tempoN += z.tempoN;
    for (let b = 0; b < TEMPO_BINS; b++) all.tempo[b] += z.tempo[b];
    for (const k of ['x', 'y', 'slider']) {
      all[k].n += z[k].n;
      all[k].sum += z[k].sum;
      for (let b = 0; b < VALUE_BINS; b++) all[k].bins[b] += z[k].bins[b];
    }
    all.shakeN += z.shakeN;
    all.shakeSum += z.shakeSum;
  }
  return { all, taps };
}

const q = JSON.stringify;
const controlsJson = q(cue.controls ?? []);

// One state per zone, built once a tick for every phone of that zone that gets it.
function encodeStates(tick, now, wanted) {
  const { all, taps } = venueAgg(now);
  const crowd = summaryJson(all, taps);
  const zonesJson = zones.map((z, i) => `{"id":${q(z.id)},"participants":${aggs[i].participants},"active":${aggs[i].active}}`).join(',');
  const total = tallies.reduce((a, b) => a + b, 0);
  const pollJson = poll ? `{"id":${q(poll.id)},"question":${q(poll.question)},"options":${q(poll.options)},` +
    `"open":true,"hidden":false,"round":0,"tallies":[${tallies.join(',')}],"total":${total},` +
    `"closes_at":null,"revealed":false,"vetoed":false,"winner":null}` : 'null';
  const head = `{"type":"state","tick":${tick},"t":${ms(now)},"participants":${all.participants},` +
    `"active":${all.active},"frozen":false,"over":false,"cue":{"index":0,"id":${q(cue.id)},` +
    `"title":${q(cue.title ?? '')},"prompt":${q(cue.prompt ?? '')},"scene":${q(cue.scene ?? 'idle')},` +
    `"controls":${controlsJson},"final":${venue.cues.length === 1},"started":0.000,"advance_at":null},` +
    `"crowd":{${crowd}}`;
  const tail = `,"zones":[${zonesJson}],"music":{"level":0.000,"peak":0.000,"bpm":null,"beats":0,` +
    `"onsets":0,"flashes":0,"bands":[0.000,0.000,0.000,0.000]},"poll":${pollJson}}`;
  return zones.map((z, i) => (wanted[i] ?
    `${head},"zone":{"id":${q(z.id)},${summaryJson(aggs[i], tapsInWindow(aggs[i], now))}}${tail}` : null));
}

// ---- the phones ----

const conns = new Set();	// joined connections
let tick = 0;

function reject(ws, code, message, seq) {
  metrics.rejected[code] = (metrics.rejected[code] ?? 0) + 1;
  ws.send(`{"type":"error","code":"${code}","message":${q(message)}${seq ? `,"seq":${seq}` : ''}}`);
}

function welcome(c, p, resumed) {
  const votes = poll && p.vote !== null ? `{${q(poll.id)}:${p.vote}}` : '{}';
  c.ws.send(`{"type":"welcome","protocol":"${PROTOCOL}","id":"${p.id}","token":"${p.token}",` +
    `"resumed":${resumed},"zone":${q(zones[p.zone].id)},"last_seq":${p.lastSeq},"votes":${votes},` +
    `"venue":${q(venue.name)},"zones":${q(zones.map((z) => ({ id: z.id, name: z.name })))},` +
    `"limits":{"inputs_per_second":${limits.inputs_per_second},"input_burst":${limits.input_burst},` +
    `"max_message_bytes":${limits.max_message_bytes},"text_max_chars":80,"text_interval_s":30},` +
    `"broadcast_hz":${BROADCAST_HZ},"t":${ms(showS())}}`);
}

function onHello(c, m) {
  if (c.p) return reject(c.ws, 'already_joined', 'already joined');
  let zone = 0;
  if (m.zone !== null && m.zone !== undefined) {
    zone = zones.findIndex((z) => z.id === m.zone);
    if (zone < 0) { reject(c.ws, 'unknown_zone', 'no such zone'); zone = 0; }
  }
  let p = typeof m.token === 'string' ? participants.get(m.token) : undefined;
  const resumed = p !== undefined;
  if (p?.conn) {		// still connected elsewhere: the newer connection takes it over
    const old = p.conn;
    leave(p);
    conns.delete(old);
    old.p = null;
    old.ws.close(4001, 'resumed on another connection');
  }
  if (!p) {
    const token = randomBytes(16).toString('base64url');
    p = {
      id: `p-${randomBytes(4).toString('hex')}`, token, zone, lastSeq: 0, vote: null, conn: null,
      bucket: limits.input_burst, bucketAt: showS(), limitedAt: -1, active: false, lastInputS: 0,
      lastKineticS: 0, lastTapS: 0, intervals: [], tempo: null, shake: null, x: null, y: null, slider: null,
    };
    participants.set(token, p);
  }
  p.conn = c;
  c.p = p;
  aggs[p.zone].participants++;
  conns.add(c);
  welcome(c, p, resumed);
}

// A token bucket per participant, not per socket: reconnecting does not refill it.
function takeToken(p, now) {
  p.bucket = Math.min(limits.input_burst, p.bucket + (now - p.bucketAt) * limits.inputs_per_second);
  p.bucketAt = now;
  if (p.bucket < 1) return false;
  p.bucket -= 1;
  return true;
}

const unit = (v) => typeof v === 'number' && v >= 0 && v <= 1;

// An input or a vote: checked, applied, acked with the tick whose state includes it.
function onSeqMessage(c, m) {
  const p = c.p, now = showS();
  if (!p) return reject(c.ws, 'not_joined', 'say hello first');
  if (!Number.isInteger(m.seq)) return reject(c.ws, 'invalid_field', 'seq must be a whole number');
  if (m.seq <= 0) return reject(c.ws, 'out_of_range', 'seq must be 1 or more', m.seq);
  if (m.seq <= p.lastSeq) return ack(c, m.seq);	// a re-send: acked, not counted again
  if (!takeToken(p, now)) {
    if (now - p.limitedAt >= 1) { p.limitedAt = now; reject(c.ws, 'rate_limited', 'too many inputs', m.seq); }
    else metrics.rejected.rate_limited = (metrics.rejected.rate_limited ?? 0) + 1;
    return;
  }
  p.lastSeq = m.seq;
  if (m.type === 'vote') {
    if (!(cue.controls ?? []).includes('vote')) return refused(c, 'control_disabled', 'vote is not enabled in this cue', m.seq);
    if (!poll || m.poll !== poll.id) return refused(c, 'unknown_poll', 'no such poll', m.seq);
    if (!Number.isInteger(m.choice) || m.choice < 0 || m.choice >= poll.options.length)
      return refused(c, 'out_of_range', 'no such option', m.seq);
    if (p.vote !== null) tallies[p.vote]--;
    p.vote = m.choice;
    tallies[p.vote]++;
    markActive(p, now);
  } else {
    if (!(cue.controls ?? []).includes(m.control)) return refused(c, 'control_disabled', `${m.control} is not enabled in this cue`, m.seq);
    if ((m.control === 'xy' && !(unit(m.x) && unit(m.y))) || (m.control === 'slider' && !unit(m.value)) ||
        (m.control === 'shake' && !unit(m.energy)))
      return refused(c, 'out_of_range', 'a value outside 0..1', m.seq);
    applyInput(p, m, now);
  }
  ack(c, m.seq);
}

function refused(c, code, message, seq) {
  reject(c.ws, code, message, seq);
  ack(c, seq);
}

function ack(c, seq) {
  c.ws.send(`{"type":"ack","seq":${seq},"tick":${tick + 1}}`);
  c.wantState = true;	// the next tick's state goes to this phone at once
}

function onMessage(c, data, isBinary) {
  if (isBinary) return reject(c.ws, 'binary_frame', 'binary frames are not part of the protocol');
  let m;
  try { m = JSON.parse(data); } catch { return reject(c.ws, 'malformed_json', 'not JSON'); }
  if (m === null || typeof m !== 'object') return reject(c.ws, 'malformed_json', 'not a JSON object');
  switch (m.type) {
    case 'hello': return onHello(c, m);
    case 'input': case 'vote': return onSeqMessage(c, m);
    case 'ping': {
      const t1 = showS();
      return c.ws.send(`{"type":"pong","t0":${q(m.t0)},"t1":${ms(t1)},"t2":${ms(showS())}}`);
    }
    default: return reject(c.ws, 'unknown_type', 'unknown type');
  }
}

// ---- the tick ----

const tickS = 1 / TICK_HZ;
const broadcastEvery = Math.round(TICK_HZ / BROADCAST_HZ);

// Tick @t (the show time's tick number): everyone's state when it crosses a broadcast, else only
// the phones whose input was applied since the last tick.
function runTick(t) {
  const t0 = performance.now();
  const now = showS();
  const broadcast = Math.floor(t / broadcastEvery) > Math.floor(tick / broadcastEvery);
  tick = t;
  crowdTick(now);
  const wanted = zones.map(() => false);
  for (const c of conns) if (broadcast || c.wantState) wanted[c.p.zone] = true;
  if (wanted.some(Boolean)) {
    const states = encodeStates(tick, now, wanted);
    for (const c of conns) {
      if (!broadcast && !c.wantState) continue;
      c.wantState = false;
      if (c.ws.bufferedAmount > SKIP_BUFFERED) { metrics.statesSkipped++; continue; }	// slow: the newest matters
      c.ws.send(states[c.p.zone]);
    }
  }
  metrics.tickMaxS = Math.max(metrics.tickMaxS, (performance.now() - t0) / 1000);
}

// Ticks follow the clock: a tick that comes late (the loop was busy) counts an overrun, and the
// ticks it missed are not run, but a broadcast it crossed still goes, so phones keep their 20 Hz.
function loop() {
  const due = Math.floor(showS() * TICK_HZ);
  if (due > tick) {
    if (due > tick + 1) metrics.tickOverruns++;
    runTick(due);
  }
  setTimeout(loop, Math.max(0, ((tick + 1) * tickS - showS()) * 1000));
}

// ---- HTTP and the listener ----

function metricsText() {
  const lines = [`tutti_connections ${metrics.connections}`, `tutti_participants ${conns.size}`,
    `tutti_tick_overruns_total ${metrics.tickOverruns}`, `tutti_states_skipped_total ${metrics.statesSkipped}`,
    `tutti_tick_duration_max_seconds ${metrics.tickMaxS.toFixed(6)}`, `tutti_audio_xruns_total 0`];
  for (const code of ['rate_limited', 'malformed_json', ...Object.keys(metrics.rejected)])
    lines.push(`tutti_inputs_rejected_total{reason="${code}"} ${metrics.rejected[code] ?? 0}`);
  return [...new Set(lines)].join('\n') + '\n';
}

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText());
  } else if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(q({ status: 'ok', participants: conns.size,
      connections: metrics.connections, uptime_s: showS(), venue: venue.name }));
  } else {
    res.writeHead(404).end();
  }
});

const wss = new WebSocketServer({
  server, maxPayload: limits.max_message_bytes, perMessageDeflate: false, clientTracking: false,
  // No common subprotocol, no upgrade: as the daemon refuses a client of another version.
  verifyClient: ({ req }) => (req.headers['sec-websocket-protocol'] ?? '').split(',').some((s) => s.trim() === PROTOCOL),
  handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
});

wss.on('connection', (ws) => {
  const c = { ws, p: null, wantState: false };
  metrics.connections++;
  ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
  ws.on('error', () => {});
  ws.on('close', () => {
    metrics.connections--;
    if (!c.p) return;
    leave(c.p);
    c.p.conn = null;
    conns.delete(c);
    c.p = null;
  });
});

server.listen(port, '127.0.0.1', 511, () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
  setTimeout(loop, tickS * 1000);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
