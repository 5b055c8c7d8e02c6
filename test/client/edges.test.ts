// The edges on real sockets: decode errors, close during connecting, send after close, listeners
// that throw, requests, pings answered by a real server, a lazy client.
import { afterEach, expect, it } from 'vitest';
import { type ClientError, createClient, ErrorCode } from '@tether/client';
import { startRawServer, startServer, type TestServer, until } from './helpers';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.kill();
  server = undefined;
});

type In = { type: 'chat'; text: string } | { type: 'echo'; id: string; body: string };
type Out = { type: 'echo'; body: string; id?: string } | { type: 'say'; text: string };

it('a message that fails to decode is an error event with the raw data; the next one arrives', async () => {
  server = await startServer(0, (ws) => {
    ws.send('{oops');
    ws.send(JSON.stringify({ type: 'chat', text: 'fine' }));
  });
  const client = createClient<In, Out>({ url: server.url });
  const errors: ClientError[] = [];
  client.on('error', (e) => errors.push(e));
  const chat = new Promise<string>((r) => client.on('chat', (m) => r(m.text)));
  expect(await chat).toBe('fine');
  expect(errors.map((e) => [e.code, e.data])).toEqual([[ErrorCode.DECODE_FAILED, '{oops']]);
  expect(client.state).toBe('open');
  await client.close();
});

it('close() during connecting: closed at once, no error, no reconnect, the server sees the attempt end', async () => {
  let ended = 0;
  const slow = await startRawServer((socket) => {
    socket.on('end', () => ended++).resume(); // reads, never answers
  });
  const client = createClient({ url: slow.url, reconnect: { initialDelay: 1 } });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  await until(() => slow.requests.length === 1, 5000, 'the upgrade request');
  expect(client.state).toBe('connecting');
  await client.close();
  expect(client.state).toBe('closed');
  await until(() => ended === 1, 5000, 'the server to see the attempt end');
  expect(errors).toEqual([]);
  expect(slow.requests).toHaveLength(1);
  await slow.close();
});

it('send after close is rejected with ERR_CLOSED and nothing goes out', async () => {
  const got: string[] = [];
  server = await startServer(0, (ws) => ws.on('message', (d) => got.push(String(d))));
  const client = createClient<In, Out>({ url: server.url });
  await client.opened();
  expect(client.send({ type: 'say', text: 'before' }).status).toBe('sent');
  await until(() => got.length === 1);
  await client.close();
  const r = client.send({ type: 'say', text: 'after' });
  expect(r.status).toBe('rejected');
  await expect(r.written()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  await expect(client.request({ type: 'echo', body: 'x' })).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  expect(got).toEqual(['{"type":"say","text":"before"}']);
});

it('listeners that throw do not break the client: messages keep flowing', async () => {
  server = await startServer(0, (ws) => ws.on('message', (d) => ws.send(d)));
  const client = createClient<In, Out>({ url: server.url });
  const errors: ClientError[] = [];
  const texts: string[] = [];
  client.on('error', (e) => errors.push(e));
  client.on('chat', () => {
    throw new Error('listener bug');
  });
  client.on('message', (m) => m.type === 'chat' && texts.push(m.text));
  client.on('open', () => {
    throw new Error('open bug');
  });
  await client.opened();
  for (const text of ['a', 'b', 'c']) client.send({ type: 'say', text } as Out);
  server.wss.clients.forEach((ws) => ['a', 'b', 'c'].forEach((text) => ws.send(JSON.stringify({ type: 'chat', text }))));
  await until(() => texts.length === 3);
  expect(texts).toEqual(['a', 'b', 'c']);
  expect(errors.map((e) => e.code)).toEqual(Array(4).fill(ErrorCode.LISTENER_FAILED));
  await client.close();
});

it('request/response over plain WebSocket, concurrent requests matched by id', async () => {
  server = await startServer(0, (ws) =>
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id: string; body: string };
      // Answer out of order.
      setTimeout(() => ws.send(JSON.stringify({ type: 'echo', id: m.id, body: m.body.toUpperCase() })), m.body === 'slow' ? 30 : 0);
    }),
  );
  const client = createClient<In, Out>({ url: server.url });
  const [a, b] = await Promise.all([client.request({ type: 'echo', body: 'slow' }), client.request({ type: 'echo', body: 'fast' })]);
  expect([a.body, b.body]).toEqual(['SLOW', 'FAST']);
  await client.close();
});

it('pings answered by a real server keep an idle connection open', async () => {
  let pings = 0;
  server = await startServer(0, (ws) => ws.on('ping', () => pings++));
  const client = createClient({ url: server.url, heartbeat: { interval: 50, timeout: 200 } });
  const closes: unknown[] = [];
  client.on('close', (e) => closes.push(e));
  await client.opened();
  await until(() => pings >= 5, 5000, 'five pings');
  expect(closes).toEqual([]);
  expect(client.state).toBe('open');
  await client.close();
});

it('a lazy client connects on its first send, and the message goes out on open', async () => {
  const got: string[] = [];
  let connections = 0;
  server = await startServer(0, (ws) => {
    connections++;
    ws.on('message', (d) => got.push(String(d)));
  });
  const client = createClient<In, Out>({ url: server.url, lazy: true });
  await new Promise((r) => setTimeout(r, 50)); // would have been long enough to connect
  expect(connections).toBe(0);
  const r = client.send({ type: 'say', text: 'hi' });
  expect(r.status).toBe('queued');
  await r.written();
  await until(() => got.length === 1);
  expect(got).toEqual(['{"type":"say","text":"hi"}']);
  await client.close();
});
