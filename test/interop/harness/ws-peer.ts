import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type PerMessageDeflateOptions, type WebSocket as WsSocket } from 'ws';
import { deferred } from './deadline';
import { CloseReports, type InteropPeer } from './peer';
import { LOOPBACK } from './ports';

// The `ws` package's WebSocketServer running the interop echo service (see peer.ts), in process;
// over TLS (an https server of node:https) when given a certificate.

export interface WsPeer extends InteropPeer {
  readonly port: number;
  /** Bytes the server's TCP socket read and wrote on the connection to `path`, once it closed. */
  traffic(path: string): { read: number; written: number } | undefined;
}

function command(ws: WsSocket, text: string): void {
  const space = text.indexOf(' ');
  const name = space < 0 ? text : text.slice(0, space);
  const arg = space < 0 ? '' : text.slice(space + 1);
  switch (name) {
    case 'close': {
      const [code = '1000', ...reason] = arg.split(' ');
      ws.close(Number(code), reason.join(' '));
      break;
    }
    case 'abort':
      ws.terminate();
      break;
    case 'ping':
      ws.once('pong', (data: Buffer) => ws.send(`pong:${data.toString('utf8')}`));
      ws.ping(arg);
      break;
    case 'fragments': {
      const parts = arg.split(' ');
      parts.forEach((part, i) => ws.send(part, { binary: false, fin: i === parts.length - 1, compress: false }));
      break;
    }
    default:
      ws.send(`unknown command ${name}`);
  }
}

export interface WsPeerOptions {
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  name?: string;
  /** PEM certificate and key: serve wss: instead of ws:. */
  tls?: { cert: string; key: string };
}

export async function startWsPeer(options: WsPeerOptions = {}): Promise<WsPeer> {
  const perMessageDeflate = options.perMessageDeflate ?? true;
  const maxPayload = 64 * 1024 * 1024;
  const listening = deferred<void>();
  const secure = options.tls === undefined ? undefined : https.createServer({ cert: options.tls.cert, key: options.tls.key });
  const server =
    secure === undefined
      ? new WebSocketServer({ host: LOOPBACK, port: 0, perMessageDeflate, maxPayload })
      : new WebSocketServer({ server: secure, perMessageDeflate, maxPayload });
  if (secure === undefined) {
    server.once('listening', () => listening.resolve());
    server.once('error', (error) => listening.reject(error));
  } else {
    secure.once('error', (error) => listening.reject(error));
    secure.listen(0, LOOPBACK, () => listening.resolve());
  }
  await listening.promise;
  const port = ((secure ?? server).address() as AddressInfo).port;
  const reports = new CloseReports();
  const traffic = new Map<string, { read: number; written: number }>();
  server.on('connection', (ws, request) => {
    const path = request.url ?? '/';
    const socket = request.socket;
    let received = 0;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      received++;
      if (!isBinary && data.length >= 4 && data.subarray(0, 4).toString('latin1') === 'cmd:') command(ws, data.toString('utf8', 4));
      else ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {
      // A client failing the connection is part of several tests; the close report says what happened.
    });
    ws.on('close', (code: number, reason: Buffer) => {
      traffic.set(path, { read: socket.bytesRead, written: socket.bytesWritten });
      reports.report(path, { code, reason: reason.toString('utf8'), received });
    });
  });
  const name = options.name ?? 'ws';
  return {
    name,
    port,
    url: `${secure === undefined ? 'ws' : 'wss'}://${LOOPBACK}:${port}`,
    clientOptions: {},
    compression: perMessageDeflate !== false,
    closeSeen: (path) => reports.seen(path, name),
    traffic: (path) => traffic.get(path),
    async stop() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (secure !== undefined) {
        secure.closeAllConnections();
        await new Promise<void>((resolve) => secure.close(() => resolve()));
      }
    },
  };
}
