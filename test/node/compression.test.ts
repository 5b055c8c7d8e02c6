// permessage-deflate (RFC 7692) against ws's server: negotiation, context takeover both ways (seen
// in the bytes on the wire), window bits, the threshold, and what a bad or huge compressed message does.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import type { PerMessageDeflateNodeOptions, WebSocket, WebSocketOptions } from '@tether/node';
import { acceptUpgrade, connect, next, opened, rawServer, take, untilClose, wsServer, type TestServer } from './helpers';

interface Wired {
  ws: WebSocket;
  peer: ServerSocket;
  /** Sends `message` and resolves with how many bytes the server read for it. */
  wireSize(message: string): Promise<number>;
}

async function wired(server: TestServer, deflate: PerMessageDeflateNodeOptions | false, options: WebSocketOptions = {}): Promise<Wired> {
  const request = new Promise<IncomingMessage>((resolve) => server.wss.once('connection', (_s, req) => resolve(req)));
  const ws = connect(server.url, { ...options, perMessageDeflate: deflate });
  const peer = await server.connection();
  const socket = (await request).socket;
  await opened(ws);
  return {
    ws,
    peer,
    wireSize: async (message) => {
      const before = socket.bytesRead;
      const arrived = new Promise<string>((resolve) => peer.once('message', (data) => resolve(data.toString())));
      ws.send(message);
      expect(await arrived).toBe(message);
      return socket.bytesRead - before;
    },
  };
}

/** 8 KiB of text that compresses only so far on its own (random base64) but repeats exactly. */
const NOISY = randomBytes(6 * 1024).toString('base64');

describe('context takeover', () => {
  it('client to server: a repeated message costs a fraction the second time', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { wireSize } = await wired(server, {});
    const first = await wireSize(NOISY);
    const second = await wireSize(NOISY);
    expect(first).toBeLessThan(NOISY.length);
    expect(second).toBeLessThan(first / 10);
  });

  it('client to server with clientNoContextTakeover: every message starts afresh', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { ws, wireSize } = await wired(server, { clientNoContextTakeover: true });
    expect(ws.extensions).toContain('client_no_context_takeover');
    const first = await wireSize(NOISY);
    const second = await wireSize(NOISY);
    expect(second).toBeGreaterThan(first * 0.9);
  });

  it('server to client: messages that refer back to earlier ones inflate correctly', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { ws, peer } = await wired(server, {});
    const messages = take(ws, 'message', 5);
    for (let i = 0; i < 5; i++) peer.send(`${NOISY}${i}`);
    expect((await messages).map((m) => m.data)).toEqual([0, 1, 2, 3, 4].map((i) => `${NOISY}${i}`));
  });

  it('server to client with serverNoContextTakeover offered and agreed', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { ws, peer } = await wired(server, { serverNoContextTakeover: true });
    expect(ws.extensions).toContain('server_no_context_takeover');
    const messages = take(ws, 'message', 3);
    for (let i = 0; i < 3; i++) peer.send(NOISY);
    expect((await messages).every((m) => m.data === NOISY)).toBe(true);
  });
});

describe('window bits and threshold', () => {
  it('a server window limited to 9 bits is offered, agreed and inflated', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { ws, peer, wireSize } = await wired(server, { serverMaxWindowBits: 9 });
    expect(ws.extensions).toContain('server_max_window_bits=9');
    const message = next(ws, 'message');
    peer.send(NOISY + NOISY);
    expect((await message).data).toBe(NOISY + NOISY);
    expect(await wireSize('abc'.repeat(1000))).toBeLessThan(1000);
  });

  it('when the server limits the client window to 8 bits, messages go out uncompressed', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0, clientMaxWindowBits: 8 } });
    const { ws, wireSize } = await wired(server, {});
    expect(ws.extensions).toContain('client_max_window_bits=8');
    expect(await wireSize('abc'.repeat(1000))).toBeGreaterThan(3000);
  });

  it('messages below the threshold are sent uncompressed, those above compressed', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { wireSize } = await wired(server, { threshold: 2000 });
    expect(await wireSize('a'.repeat(1999))).toBeGreaterThan(1999);
    expect(await wireSize('a'.repeat(2000))).toBeLessThan(100);
  });

  it('perMessageDeflate: false sends everything as is', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { wireSize } = await wired(server, false);
    expect(await wireSize('a'.repeat(5000))).toBeGreaterThan(5000);
  });
});

describe('a server closing right after its last compressed messages', () => {
  it('delivers them, echoes the close frame after the FIN, and closes cleanly', async () => {
    const deflate = (text: string): Buffer => {
      const out = zlib.deflateRawSync(Buffer.from(text), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return out.subarray(0, out.length - 4);
    };
    const frame = (first: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([first, payload.length]), payload]);
    let echoed: (chunk: Buffer) => void = () => {};
    const echo = new Promise<Buffer>((resolve) => (echoed = resolve));
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
      socket.once('data', echoed);
      // Two compressed messages, the close frame and the FIN, all at once.
      const close = Buffer.from([0x03, 0xe8, ...Buffer.from('last words')]);
      socket.end(Buffer.concat([frame(0xc1, deflate('first '.repeat(20))), frame(0xc1, deflate('second '.repeat(15))), frame(0x88, close)]));
    });
    const ws = connect(`ws://127.0.0.1:${port}`, { perMessageDeflate: { threshold: 0 } });
    const messages = take(ws, 'message', 2);
    const { order, close } = await untilClose(ws);
    expect((await messages).map((m) => m.data)).toEqual(['first '.repeat(20), 'second '.repeat(15)]);
    expect(order).toEqual(['handshake', 'open', 'close']);
    expect([close.code, close.reason, close.wasClean]).toEqual([1000, 'last words', true]);
    const frameBack = await echo;
    expect(frameBack[0]).toBe(0x88);
  });
});

describe('bad and oversized compressed messages', () => {
  it('a decompression bomb is stopped at maxPayload and closed with 1009', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const { ws, peer } = await wired(server, {}, { maxPayload: 1024 * 1024 });
    const serverSaw = new Promise<number>((resolve) => peer.on('close', (code) => resolve(code)));
    const ended = untilClose(ws);
    // 32 MiB of zeros compress to about 32 KiB; the client accepts at most 1 MiB.
    peer.send(Buffer.alloc(32 * 1024 * 1024), { binary: true });
    const { error, close } = await ended;
    expect(error?.error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect((error?.error as { closeCode?: number }).closeCode).toBe(1009);
    expect([close.code, close.wasClean]).toEqual([1006, false]);
    expect(await serverSaw).toBe(1009);
  });

  it('data that does not inflate fails the connection with 1007', async () => {
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
      socket.write(Buffer.from([0xc2, 0x04, 0xff, 0xff, 0xff, 0xff]));
    });
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(error?.error.code).toBe('ERR_EXTENSION_FAILED');
    expect((error?.error as { closeCode?: number }).closeCode).toBe(1007);
    expect(close.code).toBe(1006);
  });

  it('compressed text that is not UTF-8 fails the connection with 1007', async () => {
    const deflated = zlib.deflateRawSync(Buffer.from([0x61, 0xff, 0xfe]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const payload = deflated.subarray(0, deflated.length - 4);
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
      socket.write(Buffer.concat([Buffer.from([0xc1, payload.length]), payload]));
    });
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(error?.error.code).toBe('ERR_INVALID_UTF8');
    expect((error?.error as { closeCode?: number }).closeCode).toBe(1007);
    expect(close.code).toBe(1006);
  });

  it('RSV1 without an agreed extension is a protocol error (1002)', async () => {
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket);
      socket.write(Buffer.from([0xc1, 0x01, 0x61]));
    });
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(error?.error.code).toBe('ERR_RESERVED_BITS');
    expect((error?.error as { closeCode?: number }).closeCode).toBe(1002);
    expect(close.code).toBe(1006);
  });
});
