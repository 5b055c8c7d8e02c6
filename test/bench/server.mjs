#!/usr/bin/env node
// The benchmark's server process: a minimal raw WebSocket sink/source (so that the server is never
// the bottleneck of a throughput cell), raw TCP sink/source (the physical limit), and `ws` servers
// for echo, churn, idle connections and permessage-deflate. Loopback only. Prints its ports as JSON.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { WebSocketServer } from 'ws';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Bytes a source writes ahead of the socket before it waits for `drain`. */
const AHEAD = 4 << 20;
/** Bytes a source hands to one write call (whole frames, at least one). */
const BLOCK = 1 << 20;

/** An unmasked server frame. */
function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Counts complete client messages without unmasking them: headers are read, payloads skipped. */
function sink(socket, rest, count, onDone) {
  const header = Buffer.alloc(14);
  let have = 0;
  let skip = 0;
  let fin = false;
  let opcode = 0;
  let received = 0;
  const message = () => {
    // The client's close frame is answered at once, so its close handshake completes.
    if (opcode === 8) return socket.end(frame(8, Buffer.alloc(0)));
    if (++received === count) onDone();
  };
  const feed = (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const take = Math.min(skip, chunk.length - i);
        skip -= take;
        i += take;
        if (skip === 0 && fin) message();
        continue;
      }
      header[have++] = chunk[i++];
      if (have < 2) continue;
      const b1 = header[1] & 0x7f;
      const size = 2 + (b1 === 126 ? 2 : b1 === 127 ? 8 : 0) + (header[1] & 0x80 ? 4 : 0);
      if (have < size) continue;
      skip = b1 === 126 ? header.readUInt16BE(2) : b1 === 127 ? Number(header.readBigUInt64BE(2)) : b1;
      fin = (header[0] & 0x80) !== 0;
      opcode = header[0] & 0x0f || opcode;
      have = 0;
      if (skip === 0 && fin) message();
    }
  };
  socket.on('data', feed);
  if (rest.length) feed(rest);
}

async function source(socket, size, count, text) {
  const one = frame(text ? 1 : 2, Buffer.alloc(size, 0x61));
  // Frames are written in blocks of about 1 MiB to keep write calls few.
  const perBlock = Math.max(1, Math.floor(BLOCK / one.length));
  const block = Buffer.concat(Array(perBlock).fill(one));
  let sent = 0;
  while (sent < count && !socket.destroyed) {
    const n = Math.min(perBlock, count - sent);
    socket.write(n === perBlock ? block : block.subarray(0, n * one.length));
    sent += n;
    // Up to 4 MiB handed to the socket before waiting for it to drain, so that the kernel's buffer
    // never runs dry between two turns of the server's event loop.
    if (socket.writableLength >= AHEAD) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

const raw = net.createServer({ noDelay: true }, (socket) => {
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.off('data', onData);
    const text = head.subarray(0, end).toString('latin1');
    const rest = head.subarray(end + 4);
    const url = new URL(text.split(' ')[1], 'http://x');
    const q = (name) => Number(url.searchParams.get(name));
    if (url.pathname === '/tcp-sink') {
      let left = q('bytes') - rest.length;
      const check = () => left <= 0 && socket.end(Buffer.from([1]));
      socket.on('data', (c) => { left -= c.length; check(); });
      return check();
    }
    if (url.pathname === '/tcp-source') {
      const chunk = Buffer.alloc(BLOCK, 0x61);
      let left = q('bytes');
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
          if (socket.writableLength >= AHEAD) return socket.once('drain', pump);
        }
        socket.end();
      };
      return pump();
    }
    const key = /sec-websocket-key:\s*(\S+)/i.exec(text)?.[1] ?? '';
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    if (url.pathname === '/sink') sink(socket, rest, q('count'), () => socket.write(frame(1, Buffer.from('done'))));
    else if (url.pathname === '/source') sink(socket, rest, 1, () => source(socket, q('size'), q('count'), url.searchParams.get('text') === '1'));
    socket.on('error', () => {});
  };
  socket.on('data', onData);
  socket.on('error', () => {});
});

function wsServer(perMessageDeflate) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate, maxPayload: 256 * 1024 * 1024 });
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url, 'http://x');
    const q = (name) => Number(url.searchParams.get(name));
    if (url.pathname === '/echo') ws.on('message', (data, binary) => ws.send(data, { binary }));
    else if (url.pathname === '/sink') {
      let n = 0;
      ws.on('message', () => ++n === q('count') && ws.send('done'));
    } else if (url.pathname === '/source') {
      ws.once('message', async () => {
        const payload = Buffer.alloc(q('size'));
        for (let i = 0; i < payload.length; i++) payload[i] = 0x61 + (i % 7);
        const text = payload.toString('latin1');
        for (let i = 0; i < q('count'); i++) {
          ws.send(text);
          if (ws.bufferedAmount > 4 << 20) await new Promise((r) => setImmediate(r));
        }
      });
    }
    ws.on('error', () => {});
  });
  return new Promise((resolve) => wss.once('listening', () => resolve(wss.address().port)));
}

raw.listen(0, '127.0.0.1', async () => {
  const ports = { raw: raw.address().port, ws: await wsServer(false), deflate: await wsServer(true) };
  process.stdout.write(`${JSON.stringify(ports)}\n`);
});
process.on('SIGTERM', () => process.exit(0));
