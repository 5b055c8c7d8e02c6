// Real servers on loopback for the client's integration tests. Ports are always 0.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface TestServer {
  readonly wss: WebSocketServer;
  readonly http: Server;
  readonly port: number;
  readonly url: string;
  /** Drops every connection at once (no close frame), then stops listening. */
  kill(): Promise<void>;
}

/** A `ws` server on 127.0.0.1; `port` 0 lets the OS choose. */
export async function startServer(port = 0, onConnection?: (ws: WebSocket, req: IncomingMessage) => void): Promise<TestServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  if (onConnection) wss.on('connection', onConnection);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const actual = (http.address() as AddressInfo).port;
  return {
    wss,
    http,
    port: actual,
    url: `ws://127.0.0.1:${actual}/`,
    kill: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** An HTTP server that answers every Upgrade request with `respond(socket)`; for refused handshakes. */
export async function startRawServer(respond: (socket: import('node:stream').Duplex, req: IncomingMessage) => void) {
  const http = createServer();
  const requests: number[] = [];
  const sockets = new Set<import('node:stream').Duplex>();
  http.on('upgrade', (req, socket) => {
    requests.push(performance.now());
    sockets.add(socket);
    respond(socket, req);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    requests,
    close: async () => {
      // Upgraded sockets are no longer the HTTP server's to close.
      for (const s of sockets) s.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Waits until `check()` holds, looking again every few milliseconds; fails after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
