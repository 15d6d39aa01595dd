// Unit test of the phone app's beat flashes (clients/audience/beat-flash.js) in plain node, on a
// fake clock: the phone plays the daemon's beat grid itself, flashing on every flash-th beat on
// the synced clock; never twice within flash × ms (also when the grid moves), never when not
// allowed (reduced motion), never off the beat, never with flash 0 or no grid; it stops after
// 4 s with nothing from the daemon and starts again when the daemon is heard.
//
// Run: node --test tests/audience/beat_flash.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPhoneModule } from '../lib/phone_module.mjs';

const { BeatFlasher, SILENCE_STOP_MS } = await importPhoneModule('beat-flash.js');

// A fake phone: its own clock (wall), show time = wall + offset, timers that wake @late ms late.
function fakePhone({ offset = 50000, late = 0 } = {}) {
  const phone = { wall: 0, offset, late, timers: [], flashes: [], allowed: true };
  phone.flasher = new BeatFlasher({
    showNow: () => phone.wall + phone.offset,
    wallNow: () => phone.wall,
    flash: () => phone.flashes.push(phone.wall + phone.offset),
    allowed: () => phone.allowed,
    setTimer: (fn, ms) => {
      const timer = { at: phone.wall + ms + phone.late, fn };
      phone.timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => { phone.timers = phone.timers.filter((t) => t !== timer); },
  });
  // Runs the clock forward @ms, hearing from the daemon every @heardEvery ms (0: never).
  phone.run = (ms, heardEvery = 500) => {
    const end = phone.wall + ms;
    let nextHeard = heardEvery ? phone.wall : Infinity;
    for (;;) {
      const timer = phone.timers.reduce((a, b) => (a && a.at <= b.at ? a : b), null);
      const next = Math.min(timer ? timer.at : Infinity, nextHeard);
      if (next > end) break;
      phone.wall = next;
      if (timer && timer.at === next) {
        phone.timers = phone.timers.filter((t) => t !== timer);
        timer.fn();
      } else {
        phone.flasher.heard();
        nextHeard += heardEvery;
      }
    }
    phone.wall = end;
  };
  return phone;
}

const show = (phone) => phone.wall + phone.offset;
const gaps = (list) => list.slice(1).map((t, i) => t - list[i]);

test('flashes on every flash-th beat of the grid, on the synced clock', () => {
  const phone = fakePhone();
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone) + 120, ms: 500, flash: 2 });
  phone.run(5000);
  assert.equal(phone.flashes.length, 5, 'one flash a second: every second beat at 120 BPM');
  for (const t of phone.flashes) assert.equal((t - (50000 + 120)) % 1000, 0, `a flash at ${t} is off the grid`);
});

test('flash 0, or no beat: no flash', () => {
  const phone = fakePhone();
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone), ms: 500, flash: 0 });
  phone.run(3000);
  assert.deepEqual(phone.flashes, []);
  phone.flasher.setGrid({ at: show(phone), ms: 500, flash: 1 });
  phone.run(1200);
  assert.ok(phone.flashes.length >= 2);
  const before = phone.flashes.length;
  phone.flasher.setGrid(null);
  phone.run(3000);
  assert.equal(phone.flashes.length, before, 'a null beat stops it');
  phone.flasher.setGrid(undefined);
  phone.run(1000);
  assert.equal(phone.flashes.length, before, 'a state without beat keeps what it had');
});

test('never twice within flash × ms, also when the grid moves', () => {
  const phone = fakePhone();
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone) + 10, ms: 400, flash: 1 });
  phone.run(1000);
  // The beat moved by 250 ms just after a flash: the next beat of the new grid is too close.
  const last = phone.flashes.at(-1);
  phone.flasher.setGrid({ at: last + 250, ms: 400, flash: 1 });
  phone.run(2000);
  // A faster tempo, then a slower one.
  phone.flasher.setGrid({ at: show(phone) + 5, ms: 380, flash: 1 });
  phone.run(2000);
  phone.flasher.setGrid({ at: show(phone) + 1, ms: 600, flash: 1 });
  phone.run(2000);
  const shortest = Math.min(...gaps(phone.flashes));
  assert.ok(shortest >= 380, `two flashes ${shortest} ms apart`);
  assert.ok(phone.flashes.length >= 15, `the beat went on: ${phone.flashes.length} flashes`);
  assert.ok(phone.flashes.some((t) => (t - (last + 250)) % 400 === 0 && t > last),
    'the moved grid is followed once its beats are far enough apart');
});

test('timers that wake early or late: flashes stay apart, a beat past is let go', () => {
  const phone = fakePhone({ late: -3 }); // a browser timer a few ms early
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone), ms: 350, flash: 1 });
  phone.run(3000);
  assert.ok(Math.min(...gaps(phone.flashes)) >= 350, 'early timers never bring two flashes closer');
  const late = fakePhone({ late: 200 }); // a page so busy its timers wake 200 ms late
  late.flasher.heard();
  late.flasher.setGrid({ at: show(late), ms: 500, flash: 1 });
  late.run(3000);
  assert.deepEqual(late.flashes, [], 'no flash 200 ms off the beat');
});

test('reduced motion: the beats pass with no flash', () => {
  const phone = fakePhone();
  phone.allowed = false;
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone), ms: 500, flash: 1 });
  phone.run(3000);
  assert.deepEqual(phone.flashes, []);
  phone.allowed = true;
  phone.run(1000);
  assert.ok(phone.flashes.length >= 1, 'allowed again, it flashes again');
});

test('nothing from the daemon for 4 s: it stops; heard again, it goes on', () => {
  const phone = fakePhone();
  phone.flasher.heard();
  phone.flasher.setGrid({ at: show(phone), ms: 250, flash: 2 });
  phone.run(2000);
  const silenceFrom = show(phone);
  phone.run(8000, 0);
  const inSilence = phone.flashes.filter((t) => t > silenceFrom);
  assert.ok(inSilence.length > 0, 'it plays through a short dropout');
  assert.ok(Math.max(...inSilence) <= silenceFrom + SILENCE_STOP_MS, `a flash ${Math.max(...inSilence) - silenceFrom} ms into the silence`);
  const heardAgain = show(phone);
  phone.run(2000);
  assert.ok(phone.flashes.some((t) => t > heardAgain), 'it goes on once the daemon is heard');
});
