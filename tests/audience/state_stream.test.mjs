// Unit test of the phone app's state stream (clients/audience/state-stream.js) in plain node:
// the show part, sent only when it changes, and the compact live numbers of every `s` message
// merge into the state view the panels read; a message of another show version asks for the
// show again (`sync`), at most once a second.
//
// Run: node --test tests/audience/state_stream.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPhoneModule } from '../lib/phone_module.mjs';

const { StateStream, mergeState, SYNC_EVERY_MS } = await importPhoneModule('state-stream.js');

const SHOW = {
  v: 7, frozen: false, over: false,
  cue: { index: 4, id: 'vote', title: 'Vote', prompt: 'What should we play next?', scene: 'poll',
    controls: ['vote', 'tap'], final: false, started: 65000.0, advance_at: 100000.0 },
  poll: { id: 'next-song', question: 'What should we play next?', options: ['Anthem', 'Ballad', 'Encore'],
    open: true, hidden: false, round: 0, closes_at: 90000.0, revealed: false, vetoed: false, winner: null },
};

// A stream whose sends and clock the test holds.
function streamWithClock() {
  const sent = [];
  const clock = { now: 0 };
  const stream = new StateStream({ send: (m) => { sent.push(m); return true; }, now: () => clock.now });
  return { stream, sent, clock };
}

test('the first state\'s show and live numbers make the view the panels read', () => {
  const { stream, sent } = streamWithClock();
  const state = stream.apply({ type: 's', k: 21, show: SHOW, beat: null, n: 4211, v: 7, p: 212, a: 148,
    tap: [31.5, 121], t: [40, 22, 61] });
  assert.equal(state.tick, 4211);
  assert.equal(state.participants, 212);
  assert.equal(state.active, 148);
  assert.equal(state.frozen, false);
  assert.equal(state.over, false);
  assert.deepEqual(state.cue, SHOW.cue);
  assert.deepEqual(state.poll, { ...SHOW.poll, tallies: [40, 22, 61], total: 123 });
  assert.equal(state.crowd.taps_per_s, 31.5);
  assert.equal(state.crowd.tempo_bpm, 121);
  assert.deepEqual(sent, [], 'a state with its show asks for nothing');
});

test('a later state keeps the held show and brings only new numbers', () => {
  const { stream, sent } = streamWithClock();
  stream.apply({ type: 's', show: SHOW, n: 1, v: 7, p: 3, a: 1, tap: [1.0, 120], t: [0, 0, 1] });
  const state = stream.apply({ type: 's', n: 4, v: 7, p: 4, a: 2, tap: [32.0], t: [41, 22, 61] });
  assert.equal(state.cue.title, 'Vote', 'the cue comes from the held show');
  assert.deepEqual(state.poll.tallies, [41, 22, 61]);
  assert.equal(state.poll.total, 124);
  assert.equal(state.poll.question, SHOW.poll.question);
  assert.equal(state.participants, 4);
  assert.equal(state.crowd.taps_per_s, 32.0);
  assert.equal(state.crowd.tempo_bpm, null, 'a tap pair without its tempo: no steady tempo yet');
  assert.deepEqual(sent, []);
});

test('the crowd figures of xy, slider and shake, and their resting values when left out', () => {
  const show = { ...SHOW, cue: { ...SHOW.cue, controls: ['xy', 'slider', 'shake'] }, poll: null };
  const moving = mergeState(show, { n: 1, v: 7, p: 9, a: 5, xy: [0.25, 0.5, 0.3, 0.6], sl: [0.4, 0.45], sh: [3, 0.12] });
  assert.deepEqual(moving.crowd.xy, { mean: [0.25, 0.5], median: [0.3, 0.6] });
  assert.deepEqual(moving.crowd.slider, { mean: 0.4, median: 0.45 });
  assert.deepEqual(moving.crowd.shake, { n: 3, energy: 0.12 });
  assert.equal(moving.poll, null);
  const still = mergeState(show, { n: 2, v: 7, p: 9, a: 0 });
  assert.deepEqual(still.crowd.xy, { mean: null, median: null });
  assert.deepEqual(still.crowd.slider, { mean: null, median: null });
  assert.deepEqual(still.crowd.shake, { n: 0, energy: 0 });
  assert.equal(still.crowd.taps_per_s, 0);
  assert.equal(still.crowd.tempo_bpm, null);
});

test('held-back counts are zeros, whatever a message carries', () => {
  const hidden = { ...SHOW, poll: { ...SHOW.poll, hidden: true } };
  const state = mergeState(hidden, { n: 1, v: 7, p: 2, a: 2, t: [5, 6, 7] });
  assert.deepEqual(state.poll.tallies, [0, 0, 0]);
  assert.equal(state.poll.total, 0);
  const none = mergeState(SHOW, { n: 1, v: 7, p: 2, a: 2 });
  assert.deepEqual(none.poll.tallies, [0, 0, 0], 'a poll with no count yet');
});

test('frozen and over come from the show', () => {
  const { stream } = streamWithClock();
  stream.apply({ type: 's', show: SHOW, n: 1, v: 7, p: 1, a: 0 });
  const frozen = stream.apply({ type: 's', show: { ...SHOW, v: 8, frozen: true, cue: { ...SHOW.cue, controls: [] } },
    n: 2, v: 8, p: 1, a: 0 });
  assert.equal(frozen.frozen, true);
  assert.deepEqual(frozen.cue.controls, []);
  const over = stream.apply({ type: 's', show: { ...SHOW, v: 9, over: true }, n: 3, v: 9, p: 1, a: 0 });
  assert.equal(over.over, true);
});

test('a state of another show version asks for the show again, at most once a second', () => {
  const { stream, sent, clock } = streamWithClock();
  stream.apply({ type: 's', show: SHOW, n: 1, v: 7, p: 1, a: 0, t: [1, 0, 0] });
  clock.now = 100;
  const state = stream.apply({ type: 's', n: 2, v: 8, p: 2, a: 0, t: [1, 1, 0] });
  assert.deepEqual(sent, [{ type: 'sync' }]);
  assert.equal(state.cue.id, 'vote', 'the held show stays on screen meanwhile');
  assert.equal(state.participants, 2, 'with the new numbers');
  for (const t of [200, 600, 100 + SYNC_EVERY_MS - 1]) {
    clock.now = t;
    stream.apply({ type: 's', n: 3, v: 8, p: 2, a: 0 });
  }
  assert.equal(sent.length, 1, 'no second sync within a second');
  clock.now = 100 + SYNC_EVERY_MS;
  stream.apply({ type: 's', n: 4, v: 8, p: 2, a: 0 });
  assert.equal(sent.length, 2, 'another once a second has passed');
  clock.now = 5000;
  stream.apply({ type: 's', show: { ...SHOW, v: 8 }, n: 5, v: 8, p: 2, a: 0 });
  clock.now = 9000;
  stream.apply({ type: 's', n: 6, v: 8, p: 2, a: 0 });
  assert.equal(sent.length, 2, 'the show of the right version: nothing more to ask');
});

test('a new connection holds no show: a state without one asks for it and shows nothing', () => {
  const { stream, sent } = streamWithClock();
  stream.apply({ type: 's', show: SHOW, n: 1, v: 7, p: 1, a: 0 });
  stream.reset();
  assert.equal(stream.show, null);
  assert.equal(stream.apply({ type: 's', n: 2, v: 7, p: 1, a: 0 }), null);
  assert.deepEqual(sent, [{ type: 'sync' }]);
});

test('a sync the connection could not send goes at the next state', () => {
  const sent = [];
  let open = false;
  const stream = new StateStream({ send: (m) => (open ? (sent.push(m), true) : false), now: () => 0 });
  stream.apply({ type: 's', n: 1, v: 3, p: 1, a: 0 });
  open = true;
  stream.apply({ type: 's', n: 2, v: 3, p: 1, a: 0 });
  assert.deepEqual(sent, [{ type: 'sync' }]);
});
