// WebSocket conformance of the phone endpoint, on raw sockets, in the spirit of the
// Autobahn|Testsuite groups 1-7 and 9 (framing, ping/pong, reserved bits, opcodes,
// fragmentation, UTF-8, close handshake and codes, limits): each case sends frames byte by
// byte as a client might and checks the daemon's answer against RFC 6455. The daemon keeps
// serving other phones throughout. Deliberate differences are listed in docs/security.md
// ("WebSocket conformance").

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { startDaemon, writeConfig, smallVenue } from '../lib/daemon.mjs';
import { Phone, PROTOCOL } from '../lib/client.mjs';

let daemon;

before(async () => {
  daemon = await startDaemon({ config: writeConfig(smallVenue({
    limits: { max_connections_per_address: 100, max_message_bytes: 1024 },
  }), 'conformance.json') });
});

after(async () => {
  if (daemon) await daemon.stop();
});

// A client frame: FIN, RSV bits, opcode, masked unless told otherwise.
function frame(opcode, payload = Buffer.alloc(0), { fin = true, rsv = 0, masked = true } = {}) {
  const len = payload.length;
  const head = [((fin ? 0x80 : 0) | (rsv << 4) | opcode)];
  if (len < 126) head.push((masked ? 0x80 : 0) | len);
  else if (len < 65536) head.push((masked ? 0x80 : 0) | 126, len >> 8, len & 0xff);
  else throw new Error('test frames stay small');
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const key = crypto.randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), key, body]);
}
const text = (s, opts) => frame(0x1, Buffer.from(s), opts);
const close = (code, reason = Buffer.alloc(0)) => {
  if (code === undefined) return frame(0x8);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return frame(0x8, Buffer.concat([b, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)]));
};

// A raw WebSocket to the phone endpoint: resolves once upgraded, then collects server frames.
function rawSocket() {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port: daemon.port });
    const key = crypto.randomBytes(16).toString('base64');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const frames = [];
    const waiters = [];
    const state = { sock, frames, ended: false };
    const wake = () => { for (const w of waiters.splice(0)) w(); };
    sock.on('error', () => {});
    sock.on('close', () => { state.ended = true; wake(); });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve(state);
      }
      while (buf.length >= 2) {
        let len = buf[1] & 0x7f;
        let at = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); at = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); at = 10; }
        if (buf.length < at + len) return;
        frames.push({ opcode: buf[0] & 0x0f, fin: Boolean(buf[0] & 0x80), payload: buf.subarray(at, at + len) });
        buf = buf.subarray(at + len);
      }
      wake();
    });
    state.next = (test, what, ms = 3000) => new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), ms);
      const check = () => {
        const f = frames.find(test);
        if (f) { clearTimeout(timer); return res(f); }
        if (state.ended) { clearTimeout(timer); return res(null); }
        waiters.push(check);
      };
      check();
    });
    // The close the server sent (its code, or null for none), and whether it then hung up.
    state.closeCode = async () => {
      const f = await state.next((x) => x.opcode === 0x8, 'a close frame');
      return f ? (f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005) : null;
    };
    // Answers the server's close as a browser does, then resolves to whether the server hung up.
    state.ended_ = () => new Promise((res) => {
      if (state.ended) return res(true);
      if (frames.some((x) => x.opcode === 0x8)) sock.write(frame(0x8));
      // lws waits up to 5 s for the close's answer when it failed the connection (docs/security.md).
      const timer = setTimeout(() => res(false), 8000);
      sock.once('close', () => { clearTimeout(timer); res(true); });
    });
    sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${daemon.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${PROTOCOL}\r\n\r\n`);
  });
}

// Each case: the frames sent after the upgrade, and the close code RFC 6455 wants.
const closes = [
  ['a close frame with a one-byte payload', [frame(0x8, Buffer.from([0x03]))], 1002],
  ['a close reason that is not UTF-8', [close(1000, Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80]))], 1007],
  ['a close code no endpoint may send (1005)', [close(1005)], 1002],
  ['a close code out of range (999)', [close(999)], 1002],
  ['a close code reserved (1016)', [close(1016)], 1002],
  ['reserved bits set', [text('{"type":"ping","t0":1}', { rsv: 1 })], 1002],
  ['a reserved opcode (3)', [frame(0x3)], 1002],
  ['a reserved control opcode (11)', [frame(0xb)], 1002],
  ['a fragmented ping', [frame(0x9, Buffer.from('x'), { fin: false })], 1002],
  ['a continuation with nothing to continue', [frame(0x0, Buffer.from('x'))], 1002],
  ['a new text frame before the last one finished', [text('{"ty', { fin: false }), text('pe":"ping"}')], 1002],
  ['a text frame that is not UTF-8', [frame(0x1, Buffer.from([0x7b, 0xff, 0x7d]))], 1007],
  ['a message over limits.max_message_bytes', [text(JSON.stringify({ type: 'ping', t0: 1, pad: 'x'.repeat(1100) }))], 1009],
];

describe('a frame that breaks RFC 6455 fails the connection with the code it calls for', { concurrency: true }, () => {
  for (const [what, frames, code] of closes) {
    test(`${what}: closed with ${code}`, async () => {
      const s = await rawSocket();
      for (const f of frames) s.sock.write(f);
      assert.equal(await s.closeCode(), code);
      assert.ok(await s.ended_(), 'and the connection ends');
    });
  }
});

test('a ping over 125 bytes fails the connection (a close 1002 or none)', async () => {
  const s = await rawSocket();
  s.sock.write(frame(0x9, Buffer.alloc(126, 0x61)));
  assert.ok([1002, null].includes(await s.closeCode()));
  assert.ok(await s.ended_(), 'the connection ends');
  assert.ok(!s.frames.some((x) => x.opcode === 0xa), 'and no pong');
});

test('a clean close is echoed with its code and reason', async () => {
  const s = await rawSocket();
  s.sock.write(close(1000, 'bye'));
  const f = await s.next((x) => x.opcode === 0x8, 'the close echo');
  assert.equal(f.payload.readUInt16BE(0), 1000);
  assert.ok(await s.ended_());
});

test('an empty close is answered with a close', async () => {
  const s = await rawSocket();
  s.sock.write(close());
  assert.notEqual(await s.closeCode(), null);
  assert.ok(await s.ended_());
});

test('a ping gets its payload back in a pong; an unasked pong is ignored', async () => {
  const s = await rawSocket();
  s.sock.write(frame(0xa, Buffer.from('unasked')));
  s.sock.write(frame(0x9, Buffer.from('hello?')));
  const pong = await s.next((x) => x.opcode === 0xa, 'the pong');
  assert.equal(pong.payload.toString(), 'hello?');
  s.sock.write(close(1000));
  await s.ended_();
});

test('a message in fragments, with a ping between them, is one message', async () => {
  const s = await rawSocket();
  s.sock.write(text('{"type":"hel', { fin: false }));
  s.sock.write(frame(0x9, Buffer.from('mid')));
  s.sock.write(frame(0x0, Buffer.from('lo","token":null}')));
  const welcome = await s.next((x) => x.opcode === 0x1 && x.payload.toString().includes('"welcome"'), 'the welcome');
  assert.ok(welcome);
  // The pong may come before or after the welcome: lws writes it when the socket is writable.
  assert.ok(await s.next((x) => x.opcode === 0xa && x.payload.toString() === 'mid', 'the pong to the ping'));
  s.sock.write(close(1000));
  await s.ended_();
});

test('a text frame split across many TCP writes is still one message', async () => {
  const s = await rawSocket();
  const f = text('{"type":"hello","token":null}');
  for (const b of f) s.sock.write(Buffer.from([b]));
  assert.ok(await s.next((x) => x.opcode === 0x1 && x.payload.toString().includes('"welcome"'), 'the welcome'));
  s.sock.write(close(1000));
  await s.ended_();
});

test('after every case, a phone still joins and plays', async () => {
  const p = new Phone(daemon.wsUrl);
  const w = await p.hello();
  assert.ok(w.token);
  await p.close();
});
