// wss: with --ca and --insecure, and --proxy through an HTTP CONNECT proxy. The test certificate
// (for 127.0.0.1, issued by a test CA) is the one the @tether/node tests use.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { echoServer, onCleanup, ROOT, run } from './helpers';

const fixtures = join(ROOT, 'test', 'node', 'fixtures');
const CA = join(fixtures, 'ca.pem');

async function wssEcho(): Promise<string> {
  const server = https.createServer({ cert: readFileSync(join(fixtures, 'server.pem')), key: readFileSync(join(fixtures, 'server-key.pem')) });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(() => {
    for (const c of wss.clients) c.terminate();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `wss://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

/** An HTTP CONNECT proxy on 127.0.0.1 that records the targets it was asked for. */
async function connectProxy(): Promise<{ url: string; targets: string[] }> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
    }
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  onCleanup(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, targets };
}

describe('tether over TLS and proxies', () => {
  it('--ca trusts the server certificate', async () => {
    const url = await wssEcho();
    const { code, stdout } = await run(['--ca', CA, '-x', 'secure', '-w', '0.2', url]);
    expect(code).toBe(0);
    expect(stdout).toBe('secure\n');
  });

  it('refuses an unknown CA (exit 3, ERR_TLS_FAILED), and --insecure skips the check', async () => {
    const url = await wssEcho();
    const refused = await run(['-x', 'x', url]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/ERR_TLS_FAILED/);
    const insecure = await run(['--insecure', '-x', 'anyway', '-w', '0.2', url]);
    expect(insecure.code).toBe(0);
    expect(insecure.stdout).toBe('anyway\n');
  });

  it('--proxy tunnels through an HTTP CONNECT proxy', async () => {
    const server = await echoServer();
    const proxy = await connectProxy();
    const { code, stdout } = await run(['--proxy', proxy.url, '-x', 'via proxy', '-w', '0.2', server.url]);
    expect(code).toBe(0);
    expect(stdout).toBe('via proxy\n');
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
  });
});
