// Handshakes answered with 401, 429 + Retry-After, 503, refused connections and a server that never
// answers: each ends the way the reconnection policy says.
import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type Client, ClientCloseCode, type CloseEvent, createClient, ErrorCode, HandshakeError } from '@tether/client';
import { startRawServer, until } from './helpers';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function answering(status: string, headers: Record<string, string> = {}) {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return startRawServer((socket) => socket.end(`HTTP/1.1 ${status}\r\n${head}Content-Length: 0\r\nConnection: close\r\n\r\n`));
}

function watch(client: Client) {
  const closes: CloseEvent[] = [];
  const errors: unknown[] = [];
  const delays: number[] = [];
  client.on('close', (e) => closes.push(e));
  client.on('error', (e) => errors.push(e));
  client.on('reconnecting', (r) => delays.push(r.delay));
  return { closes, errors, delays };
}

it('401: final, with the status and headers on a HandshakeError', async () => {
  const server = await answering('401 Unauthorized', { 'WWW-Authenticate': 'Bearer' });
  cleanup.push(server.close);
  const client = createClient({ url: server.url, reconnect: { initialDelay: 10 } });
  const { closes, errors } = watch(client);
  await expect(client.opened()).rejects.toBeInstanceOf(HandshakeError);
  expect(client.state).toBe('closed');
  expect(closes).toHaveLength(1);
  expect(closes[0]).toMatchObject({ status: 401, reconnect: false, wasClean: false });
  const error = errors[0] as HandshakeError;
  expect([error.code, error.status, error.headers['www-authenticate']]).toEqual([ErrorCode.HANDSHAKE_STATUS, 401, 'Bearer']);
  expect(server.requests).toHaveLength(1);
}, 15_000);

it('429 with Retry-After: retries, never before the server said', async () => {
  const server = await answering('429 Too Many Requests', { 'Retry-After': '1' });
  cleanup.push(server.close);
  const client = createClient({ url: server.url, reconnect: { initialDelay: 10, maxRetries: 1 } });
  const { closes, delays } = watch(client);
  await until(() => client.state === 'closed', 10_000, 'the client to give up');
  expect(closes.map((c) => [c.status, c.retryAfter, c.reconnect])).toEqual([
    [429, 1000, true],
    [429, 1000, false],
  ]);
  expect(delays[0]).toBeGreaterThanOrEqual(1000);
  expect(server.requests).toHaveLength(2);
  // Timers may fire a millisecond early; never a whole second.
  expect(server.requests[1]! - server.requests[0]!).toBeGreaterThanOrEqual(990);
}, 15_000);

it('503: retried with backoff until maxRetries', async () => {
  const server = await answering('503 Service Unavailable');
  cleanup.push(server.close);
  const client = createClient({ url: server.url, reconnect: { initialDelay: 20, maxRetries: 2 } });
  const { closes } = watch(client);
  await until(() => client.state === 'closed', 10_000, 'the client to give up');
  expect(closes.map((c) => [c.status, c.reconnect])).toEqual([
    [503, true],
    [503, true],
    [503, false],
  ]);
  expect(server.requests).toHaveLength(3);
}, 15_000);

it('a refused connection is retried, then given up', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  const client = createClient({ url: `ws://127.0.0.1:${port}/`, reconnect: { initialDelay: 10, maxRetries: 2 } });
  const { closes, errors } = watch(client);
  await until(() => client.state === 'closed', 10_000, 'the client to give up');
  expect(closes.map((c) => [c.code, c.reconnect])).toEqual([
    [1006, true],
    [1006, true],
    [1006, false],
  ]);
  expect(errors.map((e) => (e as { code: string }).code)).toEqual(Array(3).fill(ErrorCode.CONNECTION_FAILED));
  expect(((errors[0] as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
}, 15_000);

it('a server that never answers: each attempt times out (4001), then the client gives up', async () => {
  const sockets: import('node:net').Socket[] = [];
  let dropped = 0;
  const silent = createServer((s) => {
    sockets.push(s);
    s.resume(); // read (and never answer), so that the client's hang-up is seen
    s.on('close', () => dropped++);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  cleanup.push(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => silent.close(() => r()));
  });
  const { port } = silent.address() as { port: number };
  const client = createClient({ url: `ws://127.0.0.1:${port}/`, connectTimeout: 200, reconnect: { initialDelay: 10, maxRetries: 1 } });
  const { closes, errors } = watch(client);
  await until(() => client.state === 'closed', 10_000, 'the client to give up');
  expect(closes.map((c) => [c.code, c.reconnect])).toEqual([
    [ClientCloseCode.ConnectTimeout, true],
    [ClientCloseCode.ConnectTimeout, false],
  ]);
  expect(errors.map((e) => (e as { code: string }).code)).toEqual([ErrorCode.HANDSHAKE_TIMEOUT, ErrorCode.HANDSHAKE_TIMEOUT]);
  // Each timed-out attempt was dropped: the server sees its TCP connection end.
  await until(() => dropped === 2, 5000, 'the attempts to be dropped');
}, 15_000);
