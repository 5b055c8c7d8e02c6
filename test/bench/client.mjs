#!/usr/bin/env node
// One benchmark cell in a fresh process: one client, one scenario, one size. Runs a warm-up, then
// the repetitions, and prints one JSON line with the samples. Every WebSocket client goes through
// the same code path: a WHATWG-style constructor.
import net from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';

const cell = JSON.parse(process.argv[2]);
const { client, scenario, size = 0, text = false, count = 0, reps = 3, ports } = cell;

async function factory() {
  if (client === 'tether') {
    // TETHER_NODE=/path/to/packages/node/dist/index.mjs measures another build (before and after a change).
    const { WebSocket } = await import(process.env.TETHER_NODE ?? '@tether/node');
    return (url, deflate) => Object.assign(new WebSocket(url, { perMessageDeflate: deflate }), { binaryType: 'nodebuffer' });
  }
  if (client === 'ws' || client === 'ws+bufferutil') {
    const { WebSocket } = await import('ws');
    return (url, deflate) => new WebSocket(url, { perMessageDeflate: deflate });
  }
  if (client === 'undici') {
    const { WebSocket } = await import('undici');
    return (url) => Object.assign(new WebSocket(url), { binaryType: 'arraybuffer' });
  }
  throw new Error(`unknown client ${client}`);
}

const open = (ws) =>
  new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = (e) => reject(e.error ?? new Error(`${client}: connection failed`));
  });
const closed = (ws) => new Promise((resolve) => (ws.readyState === 3 ? resolve() : (ws.onclose = () => resolve())));
const nextMessage = (ws) => new Promise((resolve) => (ws.onmessage = (e) => resolve(e.data)));
const now = () => performance.now() / 1000;

function payloadOf(n) {
  return text ? 'a'.repeat(n) : Buffer.alloc(n, 0x62);
}

/** Client to server: `count` messages with flow control by bufferedAmount, until the server acks. */
async function send(make, path, deflate) {
  const ws = await open(make(`ws://127.0.0.1:${deflate ? ports.deflate : ports.raw}${path}?count=${count}`, deflate));
  const payload = deflate ? compressible(size) : payloadOf(size);
  const done = nextMessage(ws);
  const start = now();
  let sent = 0;
  const high = Math.max(4 << 20, size);
  while (sent < count) {
    while (sent < count && ws.bufferedAmount < high) {
      ws.send(payload);
      sent++;
    }
    if (sent < count) await tick();
  }
  await done;
  const seconds = now() - start;
  ws.close();
  await closed(ws);
  return { seconds, messages: count, bytes: count * size };
}

/** Server to client: `count` messages as fast as the server can write them. */
async function receive(make, deflate) {
  const ws = await open(make(`ws://127.0.0.1:${deflate ? ports.deflate : ports.raw}/source?size=${size}&count=${count}&text=${text ? 1 : 0}`, deflate));
  let got = 0;
  let bytes = 0;
  const start = now();
  await new Promise((resolve) => {
    ws.onmessage = (e) => {
      bytes += typeof e.data === 'string' ? e.data.length : e.data.byteLength;
      if (++got === count) resolve();
    };
    ws.send('go');
  });
  const seconds = now() - start;
  if (bytes !== count * size) throw new Error(`received ${bytes} bytes, expected ${count * size}`);
  ws.close();
  await closed(ws);
  return { seconds, messages: count, bytes };
}

function compressible(n) {
  let s = '';
  while (s.length < n) s += `{"type":"tick","symbol":"ACME","price":${(s.length % 997) / 10},"ts":1700000000}`;
  return s.slice(0, n);
}

async function echo(make) {
  const ws = await open(make(`ws://127.0.0.1:${ports.ws}/echo`, false));
  const payload = payloadOf(16);
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    const reply = nextMessage(ws);
    ws.send(payload);
    await reply;
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  ws.close();
  await closed(ws);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)], messages: count };
}

async function churn(make, inFlight) {
  const url = `ws://127.0.0.1:${ports.ws}/echo`;
  const start = now();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const ws = await open(make(url, false));
      ws.close();
      await closed(ws);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = now() - start;
  return { seconds, messages: count };
}

async function idle(make) {
  globalThis.gc?.();
  await tick();
  const before = process.memoryUsage();
  const sockets = [];
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 100); j++) batch.push(open(make(`ws://127.0.0.1:${ports.ws}/echo`, false)));
    sockets.push(...(await Promise.all(batch)));
  }
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await tick();
  }
  const after = process.memoryUsage();
  const perConnection = (key) => (after[key] - before[key]) / count;
  const result = { rss: perConnection('rss'), heap: perConnection('heapUsed') + perConnection('external'), messages: count };
  await Promise.all(sockets.map((ws) => (ws.close(), closed(ws))));
  return result;
}

/**
 * Raw TCP, no framing: the most bytes/s loopback can carry between two processes. Sends keep up to
 * 4 MiB handed to the socket, as the WebSocket sends do; receives read up to 1 MiB at a time into
 * one buffer and only count, so that this client is never the slower side.
 */
async function tcp(direction) {
  const bytes = count * size;
  let got = 0;
  let received = () => {};
  const reads = { buffer: Buffer.allocUnsafe(1 << 20), callback: (n) => ((got += n) >= bytes && received(), true) };
  const socket = net.connect({ port: ports.raw, host: '127.0.0.1', ...(direction === 'send' ? {} : { onread: reads }) });
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const start = now();
  if (direction === 'send') {
    socket.write(`GET /tcp-sink?bytes=${bytes} HTTP/1.1\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 0x62);
    const ack = new Promise((resolve) => socket.once('data', resolve));
    let left = bytes;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (socket.writableLength >= 4 << 20) await new Promise((r) => socket.once('drain', r));
    }
    await ack;
  } else {
    const done = new Promise((resolve) => (received = resolve));
    socket.write(`GET /tcp-source?bytes=${bytes} HTTP/1.1\r\n\r\n`);
    await done;
  }
  const seconds = now() - start;
  socket.destroy();
  return { seconds, messages: count, bytes };
}

async function once(make) {
  switch (scenario) {
    case 'send':
      return client === 'tcp' ? tcp('send') : send(make, '/sink', false);
    case 'receive':
      return client === 'tcp' ? tcp('receive') : receive(make, false);
    case 'deflate-send':
      return send(make, '/sink', true);
    case 'deflate-receive':
      return receive(make, true);
    case 'echo':
      return echo(make);
    case 'churn':
      return churn(make, 1);
    case 'churn-50':
      return churn(make, 50);
    case 'idle':
      return idle(make);
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

const make = client === 'tcp' ? null : await factory();
const samples = [];
await once(make); // warm-up
for (let i = 0; i < (scenario === 'idle' ? 1 : reps); i++) samples.push(await once(make));
process.stdout.write(`${JSON.stringify({ ...cell, samples })}\n`);
process.exit(0);
