// The client over Tether's own Node WebSocket (@tether/node), the transport that will become the
// Node default: messages, pings answered with pong events, and a refused handshake whose status
// and Retry-After reach the reconnection policy through a HandshakeError on the error event.
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from '@tether/node';
import { type CloseEvent, createClient, HandshakeError, type WebSocketConstructor } from '@tether/client';
import { startRawServer, startServer, type TestServer, until } from './helpers';

const transport = WebSocket as unknown as WebSocketConstructor;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.kill();
  server = undefined;
});

it('carries messages both ways, with handshake headers', async () => {
  let auth: string | undefined;
  server = await startServer(0, (ws, req) => {
    auth = req.headers.authorization;
    ws.on('message', (d) => ws.send(d));
  });
  const client = createClient<{ type: 'echo'; n: number }, { type: 'echo'; n: number }>({
    url: server.url,
    transport,
    headers: async () => ({ authorization: 'Bearer t' }),
  });
  const got = new Promise<number>((r) => client.on('echo', (m) => r(m.n)));
  client.send({ type: 'echo', n: 42 });
  expect(await got).toBe(42);
  expect(auth).toBe('Bearer t');
  await client.close();
});

it('heartbeats use its ping() and pong events', async () => {
  let pings = 0;
  server = await startServer(0, (ws) => ws.on('ping', () => pings++));
  const client = createClient({ url: server.url, transport, heartbeat: { interval: 50, timeout: 200 } });
  const closes: CloseEvent[] = [];
  client.on('close', (e) => closes.push(e));
  await client.opened();
  await until(() => pings >= 3, 5000, 'three pings');
  expect(closes).toEqual([]);
  await client.close();
});

it('a 429 with Retry-After reaches the policy through its HandshakeError', async () => {
  const refusing = await startRawServer((socket) =>
    socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
  );
  const client = createClient({ url: refusing.url, transport, reconnect: { maxRetries: 0 } });
  const closes: CloseEvent[] = [];
  client.on('close', (e) => closes.push(e));
  await until(() => client.state === 'closed', 5000, 'the refusal');
  expect(closes[0]).toMatchObject({ status: 429, retryAfter: 1000, reconnect: false });
  expect(closes[0]?.error).toBeInstanceOf(HandshakeError);
  await refusing.close();
});
