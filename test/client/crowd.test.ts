// 200 clients against a server that restarts: full jitter spreads their reconnect attempts over
// the backoff window. Asserts on the measured spread, never on how fast anything is.
import type { IncomingMessage } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { type Client, createClient } from '@tether/client';
import { startServer, type TestServer, until } from './helpers';

const CLIENTS = 200;
const WINDOW = 1000; // initialDelay: the first retry is uniform in [0, WINDOW] ms

const servers: TestServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.kill()));
});

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

it('spreads the reconnects of 200 clients over the backoff window', async () => {
  let current = await startServer();
  servers.push(current);
  // Who is connected to the new server, and when each one arrived.
  const arrivals = new Map<string, number>();
  const live = new Map<string, number>();
  let maxLive = 0;
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(
      createClient({
        url: () => `${current.url}?id=${i}`,
        reconnect: { initialDelay: WINDOW, maxDelay: WINDOW },
        heartbeat: false,
      }),
    );
  }
  await Promise.all(clients.map((c) => c.opened()));

  const next = await startServer(0, (ws, req: IncomingMessage) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '?';
    if (!arrivals.has(id)) arrivals.set(id, performance.now());
    live.set(id, (live.get(id) ?? 0) + 1);
    maxLive = Math.max(maxLive, live.get(id)!);
    ws.on('close', () => live.set(id, live.get(id)! - 1));
  });
  servers.push(next);
  const old = current;
  current = next; // the "restarted" server, reached through the url function
  const killedAt = performance.now();
  await old.kill();
  await until(() => arrivals.size === CLIENTS, 15_000, 'every client to reconnect');
  await until(() => clients.every((c) => c.state === 'open'), 5000, 'every client open');

  const offsets = [...arrivals.values()].map((t) => t - killedAt).sort((a, b) => a - b);
  const p10 = quantile(offsets, 0.1);
  const p90 = quantile(offsets, 0.9);
  const buckets = new Array(10).fill(0) as number[];
  for (const o of offsets) buckets[Math.min(9, Math.max(0, Math.floor((o / WINDOW) * 10)))]!++;
  console.info(
    `reconnect spread of ${CLIENTS} clients: first ${offsets[0]!.toFixed(0)} ms, p10 ${p10.toFixed(0)} ms, ` +
      `p50 ${quantile(offsets, 0.5).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, last ${offsets.at(-1)!.toFixed(0)} ms; ` +
      `per 100 ms: ${buckets.join(' ')}`,
  );
  // Uniform over [0, 1000] ms would give p90 - p10 = 800 ms and 20 arrivals per 100 ms bucket.
  // Without jitter, all 200 would land within a few milliseconds of each other.
  expect(p90 - p10).toBeGreaterThan(WINDOW * 0.5);
  expect(Math.max(...buckets)).toBeLessThan(CLIENTS * 0.25);
  // One socket per client at a time, and one attempt each (the new server was up throughout).
  expect(maxLive).toBe(1);
  expect(next.wss.clients.size).toBe(CLIENTS);
}, 30_000);
