// Redirects of the Upgrade request: refused by default, followed on request up to a maximum, and
// credentials dropped when a redirect leaves the origin.
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HandshakeError, type RedirectEvent } from '@tether/node';
import { connect, next, opened, untilClose, wsServer, type TestServer } from './helpers';

interface RedirectingServer extends TestServer {
  /** Headers of every upgrade request that reached a WebSocket, by path. */
  readonly seen: Map<string, IncomingHttpHeaders>;
}

/** A ws server that answers paths in `routes` with a 302 to the route's Location and upgrades the rest. */
async function redirecting(routes: Record<string, (server: TestServer) => string>): Promise<RedirectingServer> {
  let self: TestServer | undefined;
  const server = await wsServer({
    verifyClient: (info, done) => {
      const route = routes[info.req.url ?? ''];
      if (route === undefined) done(true);
      else done(false, 302, 'Found', { Location: route(self!) });
    },
  });
  self = server;
  const seen = new Map<string, IncomingHttpHeaders>();
  server.wss.on('connection', (_socket, req) => seen.set(req.url ?? '', req.headers));
  return Object.assign(server, { seen });
}

const CREDENTIALS = { Authorization: 'Bearer secret', Cookie: 'session=1', 'Proxy-Authorization': 'Basic eDp5', 'X-Other': 'kept' };

describe('redirects', () => {
  it('are refused by default: ERR_HANDSHAKE_REDIRECT with the status and Location, close 1006', async () => {
    const server = await redirecting({ '/old': () => '/new' });
    const { error, close } = await untilClose(connect(`${server.url}/old`));
    expect(error?.error).toBeInstanceOf(HandshakeError);
    expect(error?.error.code).toBe('ERR_HANDSHAKE_REDIRECT');
    expect((error?.error as HandshakeError).status).toBe(302);
    expect((error?.error as HandshakeError).headers['location']).toBe('/new');
    expect(close.code).toBe(1006);
  });

  it('are followed with followRedirects, keeping credentials on the same origin', async () => {
    const server = await redirecting({ '/old': () => '/new' });
    const ws = connect(`${server.url}/old`, { followRedirects: true, headers: CREDENTIALS });
    const redirect: RedirectEvent = await next(ws, 'redirect');
    await opened(ws);
    expect([redirect.status, redirect.location, redirect.crossOrigin]).toEqual([302, `${server.url}/new`, false]);
    expect(ws.url).toBe(`${server.url}/new`);
    const headers = server.seen.get('/new')!;
    expect([headers['authorization'], headers['cookie'], headers['proxy-authorization'], headers['x-other']]).toEqual([
      'Bearer secret',
      'session=1',
      'Basic eDp5',
      'kept',
    ]);
  });

  it('drop Authorization, Cookie and Proxy-Authorization when leaving the origin, URL credentials too', async () => {
    const target = await redirecting({});
    const origin = await redirecting({ '/old': () => `${target.url}/elsewhere` });
    const ws = connect(`ws://user:pw@127.0.0.1:${origin.port}/old`, { followRedirects: true, headers: CREDENTIALS });
    const redirect = await next(ws, 'redirect');
    await opened(ws);
    expect(redirect.crossOrigin).toBe(true);
    const headers = target.seen.get('/elsewhere')!;
    expect([headers['authorization'], headers['cookie'], headers['proxy-authorization'], headers['x-other']]).toEqual([
      undefined,
      undefined,
      undefined,
      'kept',
    ]);
  });

  it('map an http: Location to ws:', async () => {
    const server = await redirecting({ '/old': (s) => `http://127.0.0.1:${s.port}/new` });
    const ws = await opened(connect(`${server.url}/old`, { followRedirects: true }));
    expect(ws.url).toBe(`${server.url}/new`);
  });

  it('stop after maxRedirects with ERR_TOO_MANY_REDIRECTS, close 1006', async () => {
    const server = await redirecting({ '/loop': () => '/loop' });
    const ws = connect(`${server.url}/loop`, { followRedirects: true, maxRedirects: 3 });
    let redirects = 0;
    ws.addEventListener('redirect', () => redirects++);
    const { error, close } = await untilClose(ws);
    expect(redirects).toBe(3);
    expect(error?.error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect((error?.error.cause as HandshakeError).code).toBe('ERR_HANDSHAKE_REDIRECT');
    expect(close.code).toBe(1006);
  });

  it('to a scheme that is not a WebSocket one fail with ERR_INVALID_URL', async () => {
    const server = await redirecting({ '/old': () => 'ftp://127.0.0.1/file' });
    const { error, close } = await untilClose(connect(`${server.url}/old`, { followRedirects: true }));
    expect(error?.error.code).toBe('ERR_INVALID_URL');
    expect(close.code).toBe(1006);
  });
});
