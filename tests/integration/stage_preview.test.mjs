// The console's live stage preview (GET /console/stage.png): a daemon with an offscreen stage
// screen and a simulated crowd on the crowd field, and another with no stage screen. It proves
// a logged-in console gets the screen's newest thumbnail as a 320-pixel-wide PNG, never cached,
// and a newer one a moment later as the crowd moves; that a request without a session is
// refused as the other console routes refuse it; and that a show without a stage screen says so
// (404) instead of serving a picture.
//
// Env: TUTTI_BIN.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { hashPassword } from '../lib/console_socket.mjs';

const OPERATOR = 'front of house';
const daemons = [];

after(async () => {
  for (const d of daemons) await d.stop();
});

const venue = () => writeConfig(smallVenue({ console: { operator_password_hash: hashPassword(OPERATOR) } }));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function login(daemon) {
  const answer = await fetch(`${daemon.url}console/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'operator', password: OPERATOR }),
  });
  assert.equal(answer.status, 200, 'login');
  return answer.headers.get('set-cookie').split(';')[0];
}

// The thumbnail, once the render thread has made its first (bounded wait).
async function thumbnail(daemon, cookie) {
  for (const deadline = Date.now() + 10000; ;) {
    const r = await fetch(`${daemon.url}console/stage.png`, { headers: { Cookie: cookie } });
    if (r.status === 200 || Date.now() > deadline) return r;
    assert.equal(await r.text(), 'no picture yet\n', 'the only wait is for the first picture');
    await sleep(100);
  }
}

// The PNG's width and height, from its IHDR chunk.
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

test('a logged-in console sees the stage screen a few times a second; nobody else does', async () => {
  const daemon = await startDaemon({ config: venue(), args: ['--stage', 'offscreen', '--simulate', '30'],
    env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
  daemons.push(daemon);
  const cookie = await login(daemon);

  const first = await thumbnail(daemon, cookie);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-type'), 'image/png');
  assert.equal(first.headers.get('cache-control'), 'no-store');
  const a = new Uint8Array(await first.arrayBuffer());
  assert.deepEqual(pngSize(a), { width: 320, height: 180 }, 'the 1280x720 screen at 320 wide');

  // The simulated crowd's dots move on the crowd field: a thumbnail 0.6 s later is another picture.
  let b;
  for (const deadline = Date.now() + 5000; ;) {
    await sleep(600);
    const second = await thumbnail(daemon, cookie);
    assert.equal(second.status, 200);
    b = new Uint8Array(await second.arrayBuffer());
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0 || Date.now() > deadline) break;
  }
  assert.equal(pngSize(b).width, 320);
  assert.notDeepEqual(Buffer.from(b), Buffer.from(a), 'a newer thumbnail');

  const anonymous = await fetch(`${daemon.url}console/stage.png`);
  assert.equal(anonymous.status, 401);
  assert.equal((await anonymous.json()).error, 'no_session');
  const forged = await fetch(`${daemon.url}console/stage.png`, { headers: { Cookie: 'tutti_console=not-a-session' } });
  assert.equal(forged.status, 401);
  await forged.arrayBuffer();
});

test('a show without a stage screen says so', async () => {
  const daemon = await startDaemon({ config: venue(), args: ['--stage', 'none'] });
  daemons.push(daemon);
  const cookie = await login(daemon);
  const r = await fetch(`${daemon.url}console/stage.png`, { headers: { Cookie: cookie } });
  assert.equal(r.status, 404);
  assert.equal(await r.text(), 'no stage screen\n');
});
