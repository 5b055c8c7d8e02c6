// Shared pieces of the @tether/node socket tests: servers on 127.0.0.1 port 0, waiting for events
// (never for fixed times), and cleanup of everything a test opened.
import { once } from 'node:events';
import net from 'node:net';
import { afterEach } from 'vitest';
import { WebSocketServer, type ServerOptions, type WebSocket as ServerSocket } from 'ws';
import { computeAccept } from '@tether/protocol';
import { WebSocket, type CloseEvent, type ErrorEvent, type WebSocketEventMap, type WebSocketOptions } from '@tether/node';

const cleanups: Array<() => unknown> = [];

/** Registers something to undo after the current test. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

afterEach(async () => {
  const pending = cleanups.splice(0).reverse();
  for (const fn of pending) await fn();
});

export interface TestServer {
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly url: string;
  /** The next server-side connection. */
  connection(): Promise<ServerSocket>;
}

/** A `ws` server on 127.0.0.1, port chosen by the OS, closed after the test. */
export async function wsServer(options: ServerOptions = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await once(wss, 'listening');
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  const port = (wss.address() as net.AddressInfo).port;
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}`,
    connection: async () => ((await once(wss, 'connection')) as [ServerSocket])[0],
  };
}

/** An echo server: every message comes back as it came (text as text, binary as binary). */
export async function echoServer(options: ServerOptions = {}): Promise<TestServer> {
  const server = await wsServer(options);
  server.wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  return server;
}

/**
 * Listens on 127.0.0.1, port chosen by the OS, handing each socket (from `event`) to `onSocket`;
 * every socket is destroyed and the server closed after the test.
 */
export async function serveSockets(server: net.Server, event: 'connection' | 'secureConnection', onSocket: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on(event, (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A raw TCP server for misbehaving peers. */
export async function rawServer(onSocket: (socket: net.Socket) => void): Promise<{ port: number }> {
  return { port: await serveSockets(net.createServer(), 'connection', onSocket) };
}

/** Reads an HTTP request head from a raw socket; resolves with its lines. */
export function readHead(socket: net.Socket): Promise<{ lines: string[]; headers: Record<string, string>; rest: Buffer }> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ lines, headers, rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

/** Answers a raw socket's Upgrade request with a valid 101, and resolves once it has. */
export async function acceptUpgrade(socket: net.Socket, extra = ''): Promise<void> {
  const { headers } = await readHead(socket);
  const accept = computeAccept(headers['sec-websocket-key'] ?? '');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`);
}

/** A client that is terminated after the test if it is still open. */
export function connect(url: string, options: WebSocketOptions = {}): WebSocket {
  const ws = new WebSocket(url, { proxy: false, ...options });
  onCleanup(async () => {
    if (ws.readyState !== WebSocket.CLOSED) {
      const closed = next(ws, 'close');
      ws.terminate();
      await closed;
    }
  });
  return ws;
}

/** The next event of a type. */
export function next<K extends keyof WebSocketEventMap>(ws: WebSocket, type: K): Promise<WebSocketEventMap[K]> {
  return new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));
}

/** The next `count` events of a type. */
export function take<K extends keyof WebSocketEventMap>(ws: WebSocket, type: K, count: number): Promise<Array<WebSocketEventMap[K]>> {
  const events: Array<WebSocketEventMap[K]> = [];
  return new Promise((resolve) => {
    const listener = (event: WebSocketEventMap[K]): void => {
      events.push(event);
      if (events.length === count) {
        ws.removeEventListener(type, listener);
        resolve(events);
      }
    };
    ws.addEventListener(type, listener);
  });
}

/** Every event of the types given, in order, until `close`; resolves with their types and the close event. */
export async function untilClose(ws: WebSocket): Promise<{ order: string[]; error: ErrorEvent | undefined; close: CloseEvent }> {
  const order: string[] = [];
  let error: ErrorEvent | undefined;
  for (const type of ['open', 'handshake', 'error', 'redirect'] as const) {
    ws.addEventListener(type, (event) => {
      order.push(type);
      if (type === 'error') error = event as ErrorEvent;
    });
  }
  const close = await next(ws, 'close');
  order.push('close');
  return { order, error, close };
}

export async function opened(ws: WebSocket): Promise<WebSocket> {
  if (ws.readyState !== WebSocket.OPEN) await next(ws, 'open');
  return ws;
}
