// Shared by the unit tests: the message types every test registers, and a real `ws` server on
// loopback (port 0) that counts connections and answers requests.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Client } from '@tether/client';

export type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'user'; id: string; name: string };
export type Out = { type: 'say'; text: string } | { type: 'user'; userId: string; id?: string };

declare module './index' {
  interface Register {
    client: Client<In, Out>;
  }
}

export interface TestServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: WebSocket[];
  /** Sends `message` (as JSON) to every open connection. */
  broadcast(message: In): void;
  /** Resolves with the next connection, or the one already made. */
  connection(n: number): Promise<WebSocket>;
  close(): Promise<void>;
}

/** A `ws` server on 127.0.0.1 that answers `{ type: 'user', userId, id }` with a `user` reply. */
export async function startServer(): Promise<TestServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const connections: WebSocket[] = [];
  const waiting: Array<() => void> = [];
  wss.on('connection', (ws) => {
    connections.push(ws);
    for (const w of waiting.splice(0)) w();
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Out;
      if (m.type === 'user') ws.send(JSON.stringify({ type: 'user', id: m.id, name: `user ${m.userId}` }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    connections,
    broadcast: (m) => {
      for (const c of wss.clients) c.send(JSON.stringify(m));
    },
    connection: async (n) => {
      while (connections.length <= n) await new Promise<void>((r) => waiting.push(r));
      return connections[n]!;
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Resolves once `check()` is true, polling each event-loop turn; fails after `ms`. */
export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
