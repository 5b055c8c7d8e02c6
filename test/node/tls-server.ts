// A wss echo server with the test certificate (fixtures/), for the TLS and proxy tests.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { onCleanup, serveSockets } from './helpers';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const CA = fixture('ca.pem');
export const OTHER_CA = fixture('other-ca.pem');

/** A wss echo server on 127.0.0.1 with the test certificate; resolves with its port and the TLS socket of each connection. */
export async function wssServer(): Promise<{ port: number; url: string; sockets: TLSSocket[] }> {
  const server = https.createServer({ cert: fixture('server.pem'), key: fixture('server-key.pem'), ALPNProtocols: ['http/1.1'] });
  const wss = new WebSocketServer({ server });
  const sockets: TLSSocket[] = [];
  wss.on('connection', (socket, req) => {
    sockets.push(req.socket as TLSSocket);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { port, url: `wss://127.0.0.1:${port}`, sockets };
}

/** A raw TLS server with the test certificate. */
export async function tlsServer(onSocket: (socket: Socket) => void): Promise<{ port: number }> {
  const server = tls.createServer({ cert: fixture('server.pem'), key: fixture('server-key.pem') });
  return { port: await serveSockets(server, 'secureConnection', onSocket) };
}
