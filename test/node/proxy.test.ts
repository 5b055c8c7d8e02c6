// HTTP CONNECT proxies: the `proxy` option, HTTP_PROXY / HTTPS_PROXY / NO_PROXY, proxy auth, wss
// through a tunnel, and a proxy that refuses. The proxy is a tiny one written here on node:net; the
// interop suite runs the same against real proxies.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { HandshakeError } from '@tether/node';
import { connect, echoServer, next, onCleanup, opened, rawServer, readHead, untilClose } from './helpers';
import { CA, OTHER_CA, tlsServer, wssServer } from './tls-server';

interface TestProxy {
  readonly port: number;
  readonly url: string;
  /** The request line of every CONNECT received, e.g. `CONNECT 127.0.0.1:1234 HTTP/1.1`. */
  readonly requests: string[];
}

/**
 * A CONNECT-only proxy; with `auth`, requests without that Proxy-Authorization get 407. With
 * `secure` it is an https: proxy, speaking TLS with the test certificate.
 */
async function testProxy(auth?: string, secure = false): Promise<TestProxy> {
  const requests: string[] = [];
  const upstreams = new Set<net.Socket>();
  onCleanup(() => upstreams.forEach((s) => s.destroy()));
  const serve = secure ? tlsServer : rawServer;
  const { port } = await serve(async (socket) => {
    const { lines, headers, rest } = await readHead(socket);
    const line = lines[0]!;
    requests.push(line);
    const [method, authority] = line.split(' ');
    if (auth !== undefined && headers['proxy-authorization'] !== auth) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (method !== 'CONNECT' || authority === undefined) {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const colon = authority.lastIndexOf(':');
    const upstream = net.connect(Number(authority.slice(colon + 1)), authority.slice(0, colon).replace(/^\[|\]$/g, ''));
    upstreams.add(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('connect', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (rest.length > 0) upstream.write(rest);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  return { port, url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, requests };
}

describe('through an HTTP CONNECT proxy', () => {
  it('with the proxy option', async () => {
    const server = await echoServer();
    const proxy = await testProxy();
    const ws = await opened(connect(server.url, { proxy: proxy.url }));
    ws.send('via the tunnel');
    expect((await next(ws, 'message')).data).toBe('via the tunnel');
    expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${server.port} HTTP/1.1`]);
  });

  it('with credentials in the proxy URL, sent as Proxy-Authorization: Basic', async () => {
    const server = await echoServer();
    const proxy = await testProxy(`Basic ${Buffer.from('me:s3cret').toString('base64')}`);
    await opened(connect(server.url, { proxy: `http://me:s3cret@127.0.0.1:${proxy.port}` }));
    expect(proxy.requests).toHaveLength(1);
  });

  it('a 407 is ERR_PROXY_FAILED with the status, then close 1006', async () => {
    const server = await echoServer();
    const proxy = await testProxy('Basic right');
    const { order, error, close } = await untilClose(connect(server.url, { proxy: `http://me:wrong@127.0.0.1:${proxy.port}` }));
    expect(order).toEqual(['error', 'close']);
    expect(error?.error).toBeInstanceOf(HandshakeError);
    expect(error?.error.code).toBe('ERR_PROXY_FAILED');
    expect((error?.error as HandshakeError).status).toBe(407);
    expect(close.code).toBe(1006);
  });

  it('a proxy that cannot be reached is ERR_PROXY_FAILED', async () => {
    const server = await echoServer();
    // A port that was just free: nothing listens there.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { error, close } = await untilClose(connect(server.url, { proxy: `http://127.0.0.1:${free}` }));
    expect(error?.error.code).toBe('ERR_PROXY_FAILED');
    expect(close.code).toBe(1006);
  });

  it('wss through the tunnel: TLS end to end with the server', async () => {
    const server = await wssServer();
    const proxy = await testProxy();
    const ws = await opened(connect(server.url, { proxy: proxy.url, ca: CA }));
    ws.send('secret');
    expect((await next(ws, 'message')).data).toBe('secret');
    expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${server.port} HTTP/1.1`]);
    expect(server.sockets[0]!.alpnProtocol).toBe('http/1.1');
  });
});

describe('through an https: proxy', () => {
  it('speaks TLS to the proxy with proxyTls, then TLS to the server inside the tunnel', async () => {
    const server = await wssServer();
    const proxy = await testProxy(undefined, true);
    const ws = await opened(connect(server.url, { proxy: proxy.url, proxyTls: { ca: CA }, ca: CA }));
    ws.send('TLS in TLS');
    expect((await next(ws, 'message')).data).toBe('TLS in TLS');
    expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${server.port} HTTP/1.1`]);
  });

  it('checks the proxy’s certificate: a wrong CA is ERR_TLS_FAILED', async () => {
    const server = await echoServer();
    const proxy = await testProxy(undefined, true);
    const { error, close } = await untilClose(connect(server.url, { proxy: proxy.url, proxyTls: { ca: OTHER_CA } }));
    expect(error?.error.code).toBe('ERR_TLS_FAILED');
    expect(error?.error.message).toContain('proxy');
    expect(close.code).toBe(1006);
    expect(proxy.requests).toEqual([]);
  });
});

describe('proxies from the environment', () => {
  it('HTTP_PROXY for ws:', async () => {
    const server = await echoServer();
    const proxy = await testProxy();
    await opened(connect(server.url, { proxy: undefined, env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:1' } }));
    expect(proxy.requests).toHaveLength(1);
  });

  it('https_proxy (lower case first) for wss:', async () => {
    const server = await wssServer();
    const proxy = await testProxy();
    await opened(connect(server.url, { proxy: undefined, ca: CA, env: { https_proxy: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:1' } }));
    expect(proxy.requests).toHaveLength(1);
  });

  it('NO_PROXY exempts a host', async () => {
    const server = await echoServer();
    const proxy = await testProxy();
    await opened(connect(server.url, { proxy: undefined, env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' } }));
    expect(proxy.requests).toEqual([]);
  });

  it('proxy: false ignores the environment', async () => {
    const server = await echoServer();
    const proxy = await testProxy();
    await opened(connect(server.url, { proxy: false, env: { HTTP_PROXY: proxy.url } }));
    expect(proxy.requests).toEqual([]);
  });
});
