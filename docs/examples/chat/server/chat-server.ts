// The example's chat server: `ws` on Node, one room, every line broadcast to everyone (the sender
// too, which is how a page learns its line arrived). Answers the app-level heartbeat. `pnpm dev`
// and `pnpm preview` start it beside the page; the end-to-end tests start it on a port of their own.
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_TEXT, PING, PONG, type ClientMessage, type ServerMessage } from '../src/protocol';

export interface ChatServer {
  readonly port: number;
  /** `ws://host:port`, what the page takes as `?server=`. */
  readonly url: string;
  /** The `ws` server itself, for watching connections and messages. */
  readonly wss: WebSocketServer;
  /** Drops every connection and stops listening; resolves once the port is free. */
  close(): Promise<void>;
}

const MAX_NAME = 40;

function parseSay(data: string): ClientMessage | undefined {
  try {
    const m = JSON.parse(data) as unknown;
    if (typeof m === 'object' && m !== null && 'type' in m && m.type === 'say' && 'text' in m && typeof m.text === 'string') {
      return { type: 'say', text: m.text.slice(0, MAX_TEXT) };
    }
  } catch {
    // Not JSON: ignored like any message the server does not know.
  }
  return undefined;
}

export function startChatServer({ host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {}): Promise<ChatServer> {
  const wss = new WebSocketServer({ host, port, maxPayload: 4 * 1024 });
  const names = new Map<WebSocket, string>();
  let lastId = 0;

  const broadcast = (m: ServerMessage) => {
    const data = JSON.stringify(m);
    for (const ws of names.keys()) if (ws.readyState === ws.OPEN) ws.send(data);
  };
  const presence = () => broadcast({ type: 'presence', users: [...new Set(names.values())].sort() });

  wss.on('connection', (ws, req) => {
    const asked = new URL(req.url ?? '/', 'http://x').searchParams.get('name')?.trim();
    names.set(ws, (asked || 'guest').slice(0, MAX_NAME));
    presence();
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      const data = raw.toString();
      if (data === PING) return ws.send(PONG);
      const say = parseSay(data);
      if (say?.text) broadcast({ type: 'chat', id: ++lastId, from: names.get(ws) ?? 'guest', text: say.text, at: Date.now() });
    });
    ws.on('close', () => {
      names.delete(ws);
      presence();
    });
  });

  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      const address = wss.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        port: bound,
        url: `ws://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        wss,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}
