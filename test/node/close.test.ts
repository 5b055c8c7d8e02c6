// Closing: the closing handshake from either side, abrupt TCP loss, timeouts, failures, terminate,
// the WHATWG close() argument checks, and ping/pong.
import { describe, expect, it } from 'vitest';
import { WebSocket } from '@tether/node';
import { acceptUpgrade, connect, next, opened, rawServer, untilClose, wsServer } from './helpers';

describe('the closing handshake', () => {
  it('closes cleanly from the client side with code and reason', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const serverSaw = new Promise<[number, string]>((resolve) => peer.on('close', (code, reason) => resolve([code, reason.toString()])));
    const ended = untilClose(ws);
    ws.close(4000, 'done here');
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    const { order, close } = await ended;
    expect(order).toEqual(['close']);
    expect([close.code, close.reason, close.wasClean, close.error]).toEqual([4000, 'done here', true, undefined]);
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    expect(await serverSaw).toEqual([4000, 'done here']);
  });

  it('closes cleanly when the server starts the close', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const ended = untilClose(ws);
    peer.close(4001, 'server says bye');
    const { order, close } = await ended;
    expect(order).toEqual(['close']);
    expect([close.code, close.reason, close.wasClean]).toEqual([4001, 'server says bye', true]);
  });

  it('reports 1005 for a close frame without a code', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    peer.close();
    const close = await next(ws, 'close');
    expect([close.code, close.wasClean]).toEqual([1005, true]);
  });

  it('sends the messages queued before close() first, compressed or not', async () => {
    const server = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const ws = connect(server.url, { perMessageDeflate: { threshold: 0 } });
    const peer = await server.connection();
    await opened(ws);
    const received: string[] = [];
    peer.on('message', (data) => received.push(data.toString()));
    for (let i = 0; i < 50; i++) ws.send(`message ${i} `.repeat(100));
    ws.close(1000);
    ws.send('after close');
    const close = await next(ws, 'close');
    expect(close.wasClean).toBe(true);
    expect(received).toHaveLength(50);
    expect(received[49]).toBe('message 49 '.repeat(100));
    expect(ws.bufferedAmount).toBe('after close'.length);
  });

  it('delivers no message that arrives after close() was called, as browsers do', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const got: unknown[] = [];
    ws.onmessage = (event) => got.push(event.data);
    peer.send('before');
    await next(ws, 'message');
    // The server answers our close frame with one more message, then its close.
    peer.on('message', () => {});
    const origClose = peer.close.bind(peer);
    peer.close = ((code?: number, reason?: string) => {
      peer.send('after close()');
      origClose(code, reason);
    }) as typeof peer.close;
    ws.close(1000);
    const close = await next(ws, 'close');
    expect(close.wasClean).toBe(true);
    expect(got).toEqual(['before']);
  });

  it('drops the connection after closeTimeout when the server never answers the close frame', async () => {
    const { port } = await rawServer((socket) => void acceptUpgrade(socket));
    const ws = await opened(connect(`ws://127.0.0.1:${port}`, { closeTimeout: 100 }));
    const ended = untilClose(ws);
    ws.close();
    const { order, error, close } = await ended;
    expect(order).toEqual(['error', 'close']);
    expect(error?.error.code).toBe('ERR_CLOSE_TIMEOUT');
    expect([close.code, close.wasClean, close.error?.code]).toEqual([1006, false, 'ERR_CLOSE_TIMEOUT']);
  });

  it('closes TCP itself after closeTimeout when the server answers the close but keeps TCP open', async () => {
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket);
      socket.once('data', () => socket.write(Buffer.from([0x88, 0x02, 0x03, 0xe8])));
    });
    const ws = await opened(connect(`ws://127.0.0.1:${port}`, { closeTimeout: 100 }));
    ws.close();
    const close = await next(ws, 'close');
    expect([close.code, close.wasClean]).toEqual([1000, true]);
  });
});

describe('failures', () => {
  it('reports an abrupt TCP close as ERR_CONNECTION_LOST, then close 1006', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const ended = untilClose(ws);
    peer.terminate();
    const { order, error, close } = await ended;
    expect(order).toEqual(['error', 'close']);
    expect(error?.error.code).toBe('ERR_CONNECTION_LOST');
    expect([close.code, close.wasClean]).toEqual([1006, false]);
  });

  it('fails the connection with 1002 on a protocol error and tells the server', async () => {
    let got: (chunk: Buffer) => void = () => {};
    const serverGot = new Promise<Buffer>((resolve) => (got = resolve));
    const { port } = await rawServer(async (socket) => {
      await acceptUpgrade(socket);
      socket.once('data', got);
      // A frame with an unknown opcode (0x3).
      socket.write(Buffer.from([0x83, 0x00]));
    });
    const ws = connect(`ws://127.0.0.1:${port}`);
    const { order, error, close } = await untilClose(ws);
    expect(order).toEqual(['handshake', 'open', 'error', 'close']);
    expect(error?.error.code).toBe('ERR_INVALID_OPCODE');
    expect((error?.error as { closeCode?: number }).closeCode).toBe(1002);
    // RFC 6455 §7.1.5: no close frame came back, so the close event says 1006, as browsers do.
    expect([close.code, close.wasClean]).toEqual([1006, false]);
    // The close frame it sent: FIN + close, masked, starting with the code 1002 (0x03ea).
    const frame = await serverGot;
    expect(frame[0]).toBe(0x88);
    const mask = frame.subarray(2, 6);
    expect([frame[6]! ^ mask[0]!, frame[7]! ^ mask[1]!]).toEqual([0x03, 0xea]);
  });

  it('terminate() drops the connection at once: ERR_ABORTED, then close 1006', async () => {
    const server = await wsServer();
    const ws = await opened(connect(server.url));
    const ended = untilClose(ws);
    ws.terminate();
    const { error, close } = await ended;
    expect(error?.error.code).toBe('ERR_ABORTED');
    expect(close.code).toBe(1006);
  });
});

describe('close() as in browsers', () => {
  it('while connecting fails the connection later, not inside the call: error, then close 1006', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const seen: string[] = [];
    ws.onerror = () => seen.push('error');
    ws.onclose = (event) => seen.push(`close ${event.code}`);
    ws.close();
    expect(seen).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    await next(ws, 'close');
    expect(seen).toEqual(['error', 'close 1006']);
  });

  it('checks code and reason like browsers do', async () => {
    const server = await wsServer();
    const ws = await opened(connect(server.url));
    const invalid = expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => ws.close(1001)).toThrowError(invalid);
    expect(() => ws.close(2999)).toThrowError(invalid);
    expect(() => ws.close(5000)).toThrowError(invalid);
    expect(() => ws.close(1000, 'x'.repeat(124))).toThrowError(invalid);
    expect(() => ws.close(1000, 'é'.repeat(62))).toThrowError(invalid);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close(3000.4, 'é'.repeat(61));
    const close = await next(ws, 'close');
    expect([close.code, close.reason]).toEqual([3000, 'é'.repeat(61)]);
    // Once closed, close() does nothing and send() only counts.
    ws.close();
    ws.send('late');
    expect(ws.bufferedAmount).toBe(4);
  });
});

describe('ping and pong', () => {
  it('ping(data) is answered by a pong event with the same data', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const serverPing = new Promise<string>((resolve) => peer.once('ping', (data) => resolve(data.toString())));
    ws.ping('are you there');
    expect(await serverPing).toBe('are you there');
    expect((await next(ws, 'pong')).data.toString()).toBe('are you there');
    ws.ping();
    expect((await next(ws, 'pong')).data.length).toBe(0);
    expect(() => ws.ping(new Uint8Array(126))).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('answers the server’s pings and reports them as ping events', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const pong = new Promise<string>((resolve) => peer.once('pong', (data) => resolve(data.toString())));
    peer.ping('from the server');
    expect((await next(ws, 'ping')).data.toString()).toBe('from the server');
    expect(await pong).toBe('from the server');
    const unsolicited = new Promise<string>((resolve) => peer.once('pong', (data) => resolve(data.toString())));
    ws.pong('heartbeat');
    expect(await unsolicited).toBe('heartbeat');
  });

  it('ping() throws while connecting', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    expect(() => ws.ping()).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    await opened(ws);
  });
});
