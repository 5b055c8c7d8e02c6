// The opening handshake over real sockets: what is sent, the `handshake` view, refusals, timeouts,
// aborts, and arguments that throw at once.
import { once } from 'node:events';
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HandshakeError, TetherError, WebSocket } from '@tether/node';
import { acceptUpgrade, connect, next, opened, rawServer, readHead, untilClose, wsServer } from './helpers';

describe('the request', () => {
  it('offers subprotocols and sends headers and origin; protocol is the one the server chose', async () => {
    const server = await wsServer({ handleProtocols: (offered) => (offered.has('b') ? 'b' : false) });
    const request = new Promise<IncomingMessage>((resolve) => server.wss.once('connection', (_s, req) => resolve(req)));
    const ws = connect(`${server.url}/path?q=1`, { protocols: ['a', 'b'], headers: { 'X-Trace': 'abc' }, origin: 'https://app.example' });
    await opened(ws);
    const req = await request;
    expect(req.url).toBe('/path?q=1');
    expect(req.headers['sec-websocket-protocol']).toBe('a, b');
    expect(req.headers['x-trace']).toBe('abc');
    expect(req.headers['origin']).toBe('https://app.example');
    expect(req.headers['sec-websocket-extensions']).toBe('permessage-deflate; client_max_window_bits');
    expect(ws.protocol).toBe('b');
    expect(ws.url).toBe(`${server.url}/path?q=1`);
  });

  it('takes protocols as the second argument, as browsers do, with options third', async () => {
    const server = await wsServer({ handleProtocols: (offered) => [...offered][0]! });
    const ws = new WebSocket(server.url, 'chat', { perMessageDeflate: false, proxy: false });
    await opened(ws);
    expect([ws.protocol, ws.extensions]).toEqual(['chat', '']);
    ws.close();
    await next(ws, 'close');
  });

  it('sends credentials in the URL as Authorization: Basic and keeps them out of url', async () => {
    const server = await wsServer();
    const request = new Promise<IncomingMessage>((resolve) => server.wss.once('connection', (_s, req) => resolve(req)));
    const ws = connect(`ws://user:p%40ss@127.0.0.1:${server.port}/`);
    await opened(ws);
    expect((await request).headers['authorization']).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(ws.url).toBe(`${server.url}/`);
  });

  it('offers no extension with perMessageDeflate: false', async () => {
    const server = await wsServer({ perMessageDeflate: true });
    const request = new Promise<IncomingMessage>((resolve) => server.wss.once('connection', (_s, req) => resolve(req)));
    const ws = await opened(connect(server.url, { perMessageDeflate: false }));
    expect((await request).headers['sec-websocket-extensions']).toBeUndefined();
    expect(ws.extensions).toBe('');
  });
});

describe('the handshake view', () => {
  it('is an event before open and a property after, with what was sent and received', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    expect(ws.handshake).toBeNull();
    const order: string[] = [];
    ws.addEventListener('handshake', () => order.push('handshake'));
    ws.addEventListener('open', () => order.push('open'));
    const event = await next(ws, 'handshake');
    await opened(ws);
    expect(order).toEqual(['handshake', 'open']);
    const h = event.handshake;
    expect(ws.handshake).toBe(h);
    expect(h.status).toBe(101);
    expect(h.key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(h.requestHeaders).toContainEqual(['Sec-WebSocket-Key', h.key]);
    expect(h.receivedAccept).toBe(h.expectedAccept);
    expect(h.responseHeaders.some(([name]) => name.toLowerCase() === 'sec-websocket-accept')).toBe(true);
  });

  it('delivers a first frame that arrives in the same packet as the 101', async () => {
    const { port } = await rawServer(async (socket) => {
      const { headers } = await readHead(socket);
      const { computeAccept } = await import('@tether/protocol');
      const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAccept(headers['sec-websocket-key']!)}\r\n\r\n`;
      socket.write(Buffer.concat([Buffer.from(head), Buffer.from([0x81, 0x02]), Buffer.from('hi')]));
    });
    const ws = connect(`ws://127.0.0.1:${port}`);
    expect((await next(ws, 'message')).data).toBe('hi');
  });
});

describe('refused and failed handshakes: error, then close 1006', () => {
  it('a non-101 answer is a HandshakeError with the status, and the handshake event shows it', async () => {
    const { port } = await rawServer(async (socket) => {
      await readHead(socket);
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Why: no\r\n\r\n');
    });
    const ws = connect(`ws://127.0.0.1:${port}`);
    const handshake = next(ws, 'handshake');
    const { order, error, close } = await untilClose(ws);
    expect(order).toEqual(['handshake', 'error', 'close']);
    expect(error?.error).toBeInstanceOf(HandshakeError);
    expect(error?.error.code).toBe('ERR_HANDSHAKE_STATUS');
    expect((error?.error as HandshakeError).status).toBe(403);
    expect([close.code, close.wasClean, close.error?.code]).toEqual([1006, false, 'ERR_HANDSHAKE_STATUS']);
    const view = (await handshake).handshake;
    expect(view.status).toBe(403);
    expect(view.responseHeaders).toContainEqual(['x-why', 'no']);
    expect(ws.handshake).toBe(view);
  });

  it('a wrong Sec-WebSocket-Accept is ERR_ACCEPT_MISMATCH', async () => {
    const { port } = await rawServer(async (socket) => {
      await readHead(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n');
    });
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(error?.error.code).toBe('ERR_ACCEPT_MISMATCH');
    expect(close.code).toBe(1006);
  });

  it('a refused TCP connection is ERR_CONNECTION_FAILED', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { order, error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(order).toEqual(['error', 'close']);
    expect(error?.error.code).toBe('ERR_CONNECTION_FAILED');
    expect((error?.error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(close.code).toBe(1006);
  });

  it('a server that never answers hits handshakeTimeout', async () => {
    const { port } = await rawServer(() => {});
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`, { handshakeTimeout: 100 }));
    expect(error?.error.code).toBe('ERR_HANDSHAKE_TIMEOUT');
    expect(close.code).toBe(1006);
  });

  it('a server that closes during the handshake is ERR_CONNECTION_FAILED', async () => {
    const { port } = await rawServer(async (socket) => {
      await readHead(socket);
      socket.end('HTTP/1.1 101 Switching');
    });
    const { error, close } = await untilClose(connect(`ws://127.0.0.1:${port}`));
    expect(error?.error.code).toBe('ERR_CONNECTION_FAILED');
    expect(close.code).toBe(1006);
  });
});

describe('the abort signal', () => {
  it('an already aborted signal fails the connection: ERR_ABORTED, close 1006', async () => {
    const server = await wsServer();
    const reason = new Error('not wanted');
    const { order, error, close } = await untilClose(connect(server.url, { signal: AbortSignal.abort(reason) }));
    expect(order).toEqual(['error', 'close']);
    expect(error?.error.code).toBe('ERR_ABORTED');
    expect(error?.error.cause).toBe(reason);
    expect(close.code).toBe(1006);
  });

  it('aborting during the handshake fails it', async () => {
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const { port } = await rawServer(async (socket) => {
      await readHead(socket);
      arrived();
    });
    const controller = new AbortController();
    const ws = connect(`ws://127.0.0.1:${port}`, { signal: controller.signal });
    const ended = untilClose(ws);
    await reached;
    controller.abort();
    const { error, close } = await ended;
    expect(error?.error.code).toBe('ERR_ABORTED');
    expect(close.code).toBe(1006);
  });

  it('aborting an open connection closes it with 1000', async () => {
    const server = await wsServer();
    const controller = new AbortController();
    const ws = await opened(connect(server.url, { signal: controller.signal }));
    controller.abort();
    const close = await next(ws, 'close');
    expect([close.code, close.wasClean]).toEqual([1000, true]);
  });
});

describe('bad arguments throw at once', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['a URL that does not parse', () => new WebSocket('not a url'), 'ERR_INVALID_URL'],
    ['a scheme other than ws/wss/http/https', () => new WebSocket('ftp://127.0.0.1/'), 'ERR_INVALID_URL'],
    ['a fragment', () => new WebSocket('ws://127.0.0.1/#x'), 'ERR_INVALID_URL'],
    ['a subprotocol that is not a token', () => new WebSocket('ws://127.0.0.1/', 'a b'), 'ERR_INVALID_PROTOCOL'],
    ['a duplicate subprotocol', () => new WebSocket('ws://127.0.0.1/', ['a', 'a']), 'ERR_INVALID_PROTOCOL'],
    ['a header the handshake owns', () => new WebSocket('ws://127.0.0.1/', { headers: { Upgrade: 'x' } }), 'ERR_INVALID_HEADER'],
    ['CR/LF in a header value', () => new WebSocket('ws://127.0.0.1/', { headers: { 'X-A': 'a\r\nX-B: b' } }), 'ERR_INVALID_HEADER'],
    ['a negative handshakeTimeout', () => new WebSocket('ws://127.0.0.1/', { handshakeTimeout: -1 }), 'ERR_INVALID_ARGUMENT'],
    ['an unknown binaryType', () => new WebSocket('ws://127.0.0.1/', { binaryType: 'text' as 'blob' }), 'ERR_INVALID_ARGUMENT'],
    ['a proxy URL that is not http(s)', () => new WebSocket('ws://127.0.0.1/', { proxy: 'socks5://127.0.0.1:1080' }), 'ERR_INVALID_ARGUMENT'],
  ];
  for (const [what, make, code] of cases) {
    it(what, () => {
      let thrown: unknown;
      try {
        make();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TetherError);
      expect((thrown as TetherError).code).toBe(code);
    });
  }

  it('an unknown option value never leaves a socket open: the raw server sees no connection', async () => {
    let connections = 0;
    const { port } = await rawServer(() => connections++);
    expect(() => new WebSocket(`ws://127.0.0.1:${port}/`, { maxPayload: -5 })).toThrow(TetherError);
    // A connection that does go through afterwards is the only one the server sees.
    const { port: other } = await rawServer((socket) => void acceptUpgrade(socket));
    await opened(connect(`ws://127.0.0.1:${other}/`));
    expect(connections).toBe(0);
  });
});
