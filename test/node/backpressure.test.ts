// bufferedAmount and drain: a fast producer that watches them keeps what is buffered bounded, and
// everything still arrives, in order.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from '@tether/node';
import { connect, next, opened, wsServer } from './helpers';

const CHUNK = 64 * 1024;
const TOTAL_CHUNKS = 512; // 32 MiB
const HIGH_WATER = 1024 * 1024;

async function slowServer(): Promise<{ ws: WebSocket; resume: () => void; received: Promise<number[]> }> {
  const server = await wsServer({ perMessageDeflate: false, maxPayload: CHUNK });
  const request = new Promise<IncomingMessage>((resolve) => server.wss.once('connection', (_s, req) => resolve(req)));
  const ws = connect(server.url, { perMessageDeflate: false });
  const peer = await server.connection();
  const socket = (await request).socket;
  await opened(ws);
  // The server stops reading until the producer has had to wait at least once.
  socket.pause();
  const received = new Promise<number[]>((resolve) => {
    const firsts: number[] = [];
    peer.on('message', (data) => {
      firsts.push((data as Buffer).readUInt32BE(0));
      if (firsts.length === TOTAL_CHUNKS) resolve(firsts);
    });
  });
  return { ws, resume: () => socket.resume(), received };
}

function chunk(i: number): Buffer {
  const b = Buffer.alloc(CHUNK, i & 0xff);
  b.writeUInt32BE(i, 0);
  return b;
}

describe('a fast producer', () => {
  it('waiting for drain keeps bufferedAmount under its limit plus one message', async () => {
    const { ws, resume, received } = await slowServer();
    let max = 0;
    let waits = 0;
    for (let i = 0; i < TOTAL_CHUNKS; i++) {
      ws.send(chunk(i));
      max = Math.max(max, ws.bufferedAmount);
      if (ws.bufferedAmount >= HIGH_WATER) {
        const drained = next(ws, 'drain');
        if (waits++ === 0) resume();
        await drained;
        expect(ws.bufferedAmount).toBe(0);
      }
    }
    const order = await received;
    expect(order).toEqual([...Array(TOTAL_CHUNKS).keys()]);
    expect(waits).toBeGreaterThan(1);
    expect(max).toBeGreaterThanOrEqual(HIGH_WATER);
    expect(max).toBeLessThan(HIGH_WATER + CHUNK);
  });

  it('polling bufferedAmount once per event-loop turn (the browser way) also stays bounded', async () => {
    const { ws, resume, received } = await slowServer();
    let max = 0;
    let sent = 0;
    let resumed = false;
    await new Promise<void>((resolve) => {
      const produce = (): void => {
        while (sent < TOTAL_CHUNKS && ws.bufferedAmount < HIGH_WATER) {
          ws.send(chunk(sent++));
          max = Math.max(max, ws.bufferedAmount);
        }
        if (sent === TOTAL_CHUNKS) {
          resolve();
          return;
        }
        if (!resumed) {
          resumed = true;
          resume();
        }
        setImmediate(produce);
      };
      produce();
    });
    expect(await received).toEqual([...Array(TOTAL_CHUNKS).keys()]);
    expect(max).toBeLessThan(HIGH_WATER + CHUNK);
    if (ws.bufferedAmount > 0) await next(ws, 'drain');
    expect(ws.bufferedAmount).toBe(0);
  });

  it('bufferedAmount counts UTF-8 bytes at once and returns to 0 once written', async () => {
    const server = await wsServer({ perMessageDeflate: false });
    const ws = await opened(connect(server.url, { perMessageDeflate: false }));
    ws.send('€'.repeat(100_000));
    ws.send(new Uint8Array(12345));
    expect(ws.bufferedAmount).toBe(300_000 + 12345);
    await next(ws, 'drain');
    expect(ws.bufferedAmount).toBe(0);
  });
});

describe('large frames sent back to back', () => {
  it('arrive intact while the memory of frames already written is used again for the next ones', async () => {
    // Each message its own bytes, and the server reads nothing until all are sent, so that writes
    // wait in the socket: a frame buffer used again before the socket wrote it out would show up
    // as another message's bytes at the server.
    const server = await wsServer({ perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
    const digests: string[] = [];
    let resume = (): void => {};
    const done = new Promise<void>((resolve) =>
      server.wss.once('connection', (socket, request) => {
        request.socket.pause();
        resume = () => request.socket.resume();
        socket.on('message', (data: Buffer) => {
          digests.push(createHash('sha256').update(data).digest('hex'));
          if (digests.length === 60) resolve();
        });
      }),
    );
    const ws = await opened(connect(server.url, { perMessageDeflate: false }));
    const expected: string[] = [];
    for (let i = 0; i < 60; i++) {
      const message = randomBytes(i % 3 === 0 ? 1024 * 1024 : 96 * 1024 + i);
      expected.push(createHash('sha256').update(message).digest('hex'));
      ws.send(message);
      // A turn of the event loop now and then, so that what the socket could write completes.
      if (i % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(ws.bufferedAmount).toBeGreaterThan(0);
    resume();
    await done;
    expect(digests).toEqual(expected);
  }, 20_000);
});
