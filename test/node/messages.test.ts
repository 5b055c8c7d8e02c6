// Messages both ways against ws's server over real loopback sockets: text and binary from 0 B to
// 16 MiB, with and without permessage-deflate, fragmentation, binaryType, Blob, and order.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebSocket, type MessageEvent } from '@tether/node';
import { connect, echoServer, next, opened, take, wsServer } from './helpers';

const SIZES = [0, 1, 125, 126, 65_535, 65_536, 1024 * 1024, 16 * 1024 * 1024];

function text(size: number): string {
  // Mixed one-, two- and three-byte characters, cut to `size` bytes on a character boundary.
  const unit = 'ab€dé ';
  const bytes = Buffer.from(unit.repeat(Math.ceil(size / Buffer.byteLength(unit)) + 1));
  let end = size;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + 'x'.repeat(size - end);
}

for (const compression of [false, true]) {
  describe(`echo ${compression ? 'with' : 'without'} permessage-deflate`, () => {
    for (const size of SIZES) {
      it(`text and binary of ${size} bytes`, async () => {
        const server = await echoServer({ perMessageDeflate: compression ? { threshold: 0 } : false, maxPayload: 32 * 1024 * 1024 });
        const ws = await opened(connect(server.url, { perMessageDeflate: compression ? { threshold: 0 } : false }));
        expect(ws.extensions).toBe(compression ? 'permessage-deflate' : '');
        const message = text(size);
        expect(Buffer.byteLength(message)).toBe(size);
        const binary = randomBytes(size);
        const replies = take(ws, 'message', 2);
        ws.send(message);
        ws.send(binary);
        const [first, second] = await replies;
        expect(typeof first!.data).toBe('string');
        expect(first!.data === message).toBe(true);
        expect(Buffer.isBuffer(second!.data)).toBe(true);
        expect(Buffer.compare(second!.data as Buffer, binary)).toBe(0);
      }, 15_000);
    }
  });
}

describe('fragmentation', () => {
  it('reassembles a message the server sends in fragments, with a ping between them', async () => {
    const server = await wsServer({ perMessageDeflate: false });
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const message = next(ws, 'message');
    const ping = next(ws, 'ping');
    peer.send('hello ', { fin: false });
    peer.ping('in between');
    peer.send('fragmented ', { fin: false });
    peer.send('world', { fin: true });
    expect((await message).data).toBe('hello fragmented world');
    expect((await ping).data.toString()).toBe('in between');
  });

  it('splits outgoing messages into frames of fragmentSize, which the server reassembles', async () => {
    const server = await wsServer({ perMessageDeflate: false });
    const ws = connect(server.url, { fragmentSize: 1000, perMessageDeflate: false });
    const peer = await server.connection();
    await opened(ws);
    const payload = randomBytes(10_500);
    const received = new Promise<Buffer>((resolve) => peer.once('message', (data) => resolve(data as Buffer)));
    let frames = 0;
    peer.on('message', () => frames++);
    ws.send(payload);
    expect(Buffer.compare(await received, payload)).toBe(0);
    expect(frames).toBe(1);
  });

  it('reassembles compressed messages the server fragments', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const message = next(ws, 'message');
    peer.send('compressed ', { fin: false, compress: true });
    peer.send('and fragmented', { fin: true, compress: true });
    expect((await message).data).toBe('compressed and fragmented');
  });
});

describe('binaryType and what send() accepts', () => {
  it('hands binary out as a Buffer, an ArrayBuffer or a Blob', async () => {
    const server = await echoServer({ perMessageDeflate: false });
    const ws = await opened(connect(server.url));
    const bytes = Buffer.from([1, 2, 3, 250]);
    ws.send(bytes);
    const asBuffer = (await next(ws, 'message')).data;
    expect(Buffer.isBuffer(asBuffer) && [...asBuffer]).toEqual([1, 2, 3, 250]);
    ws.binaryType = 'arraybuffer';
    ws.send(bytes);
    const asArrayBuffer = (await next(ws, 'message')).data;
    expect(asArrayBuffer).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(asArrayBuffer as ArrayBuffer)]).toEqual([1, 2, 3, 250]);
    ws.binaryType = 'blob';
    ws.send(bytes);
    const asBlob = (await next(ws, 'message')).data;
    expect(asBlob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (asBlob as Blob).arrayBuffer())]).toEqual([1, 2, 3, 250]);
    ws.binaryType = 'nonsense' as 'blob';
    expect(ws.binaryType).toBe('blob');
  });

  it('hands out binary messages that stay as they came while later reads go on (reads share one buffer)', async () => {
    const server = await wsServer({ perMessageDeflate: false });
    const connection = server.connection();
    const ws = await opened(connect(server.url));
    const socket = await connection;
    const sent = Array.from({ length: 200 }, (_, i) => randomBytes(i % 2 === 0 ? 16 : 70_000));
    const got = take(ws, 'message', sent.length);
    for (const [i, bytes] of sent.entries()) {
      socket.send(bytes);
      // Some apart, so that they come in reads of their own.
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const data = (await got).map((event) => event.data as Buffer);
    // Checked only once every message is in, so that every later read has had its chance to overwrite.
    expect(data.map((d, i) => Buffer.compare(d, sent[i]!))).toEqual(sent.map(() => 0));
  });

  it('sends ArrayBuffer, typed arrays, DataView, Blob and other values (as their string) in order', async () => {
    const server = await wsServer({ perMessageDeflate: false });
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const received: Array<[string, boolean]> = [];
    const all = new Promise<void>((resolve) =>
      peer.on('message', (data, isBinary) => {
        received.push([isBinary ? [...(data as Buffer)].join(',') : data.toString(), isBinary]);
        if (received.length === 7) resolve();
      }),
    );
    const source = new Uint8Array([9, 8, 7, 6, 5]);
    ws.send(source.buffer);
    ws.send(source.subarray(1, 3));
    ws.send(new DataView(source.buffer, 3, 2));
    ws.send(new Blob([new Uint8Array([1, 2]), new Uint8Array([3])]));
    ws.send(new Uint16Array([0x0102]));
    ws.send(42 as unknown as string);
    ws.send('after the blob');
    await all;
    expect(received).toEqual([
      ['9,8,7,6,5', true],
      ['8,7', true],
      ['6,5', true],
      ['1,2,3', true],
      [[...new Uint8Array(new Uint16Array([0x0102]).buffer)].join(','), true],
      ['42', false],
      ['after the blob', false],
    ]);
  });

  it('keeps the order of compressed, uncompressed and Blob messages, and snapshots queued bytes', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const ws = connect(server.url, { perMessageDeflate: { threshold: 100 } });
    const peer = await server.connection();
    await opened(ws);
    const count = 200;
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      peer.on('message', (data) => {
        received.push(data.toString());
        if (received.length === count) resolve();
      }),
    );
    const reused = Buffer.alloc(600);
    const expected: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = `${i}:`.padEnd(i % 3 === 0 ? 500 : 10, 'z');
      expected.push(body);
      if (i % 7 === 0) ws.send(new Blob([body]));
      else if (i % 5 === 0) {
        reused.fill(0);
        reused.write(body);
        ws.send(reused.subarray(0, Buffer.byteLength(body)));
        reused.fill(0x21);
      } else ws.send(body);
    }
    await all;
    expect(received).toEqual(expected);
  });

  it('throws while connecting, as browsers do', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    expect(() => ws.send('too early')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    await opened(ws);
  });

  it('hands out MessageEvents with data and origin', async () => {
    const server = await echoServer();
    const ws = await opened(connect(server.url));
    ws.send('x');
    const event: MessageEvent = await next(ws, 'message');
    expect(event.type).toBe('message');
    expect(event.origin).toBe(server.url);
    expect(event.target).toBe(ws);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });
});
