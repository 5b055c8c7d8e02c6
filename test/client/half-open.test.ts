// A TCP relay between client and server that stops forwarding without closing (a half-open
// connection): the heartbeat notices within interval + timeout, closes with 4000 and reconnects.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ClientCloseCode, type CloseEvent, createClient } from '@tether/client';
import { startServer, type TestServer, until } from './helpers';

/** Forwards bytes both ways until `freeze()`, after which it swallows them and keeps the sockets open. */
async function startRelay(targetPort: number) {
  const pairs: Array<[Socket, Socket]> = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    pairs.push([client, upstream]);
    client.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    pairs,
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    close: async () => {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let server: TestServer | undefined;
let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
afterEach(async () => {
  await relay?.close();
  await server?.kill();
});

it('finds a half-open connection within interval + timeout and reconnects', async () => {
  server = await startServer();
  relay = await startRelay(server.port);
  const interval = 300;
  const timeout = 300;
  const client = createClient({ url: relay.url, heartbeat: { interval, timeout }, reconnect: { initialDelay: 50 } });
  const closes: Array<CloseEvent & { at: number; tcpOpen: boolean }> = [];
  client.on('close', (e) => {
    const tcpOpen = relay!.pairs[0]!.every((s) => !s.destroyed);
    closes.push({ ...e, at: performance.now(), tcpOpen });
  });
  await client.opened();
  // Healthy: a few intervals pass with pings answered.
  await until(() => server!.wss.clients.size === 1);
  const healthyUntil = performance.now() + 3 * interval;
  await until(() => performance.now() > healthyUntil, 5000, 'a healthy period');
  expect(closes).toEqual([]);

  relay.freeze();
  const frozenAt = performance.now();
  await until(() => closes.length > 0, 5000, 'the heartbeat to notice');
  const noticed = closes[0]!;
  expect(noticed).toMatchObject({ code: ClientCloseCode.HeartbeatTimeout, reconnect: true });
  expect(noticed.error?.code).toBe('ERR_HEARTBEAT_TIMEOUT');
  // Found no later than interval + timeout after the last sign of life (which came before the
  // freeze); allow for timer and scheduling lag, never for speed.
  console.info(`half-open connection noticed ${(noticed.at - frozenAt).toFixed(0)} ms after the freeze (interval + timeout = ${interval + timeout} ms)`);
  expect(noticed.at - frozenAt).toBeLessThanOrEqual(interval + timeout + 250);
  // Until the client gave up on it, the TCP connection was open: half-open, not closed.
  expect(noticed.tcpOpen).toBe(true);

  relay.thaw(); // new connections through the relay work again
  await client.opened();
  expect(client.state).toBe('open');
  expect(relay.pairs).toHaveLength(2);
  await client.close();
}, 20_000);
