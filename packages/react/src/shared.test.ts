// Shared clients: one per key, connected by the first user, closed a grace period after the last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquire, obtain } from './shared';
import { storeOf } from './store';
import { startServer, type TestServer, until } from './test-utils';

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

describe('shared clients', () => {
  it('obtain makes one lazy client per key and connects nothing', () => {
    const a = obtain(`${server.url}a`, { url: `${server.url}a` });
    expect(obtain(`${server.url}a`, { url: 'ignored: options are read once' })).toBe(a);
    expect(obtain(`${server.url}b`, { url: `${server.url}b` })).not.toBe(a);
    expect(a.client.state).toBe('closed');
    // …yet reads as connecting, since its provider connects it when it mounts
    expect(storeOf(a.client).c.v.state).toBe('connecting');
  });

  it('the first acquire connects; the last release closes after the grace period unless acquired again', async () => {
    const url = `${server.url}grace`;
    const s = obtain(url, { url, heartbeat: false });
    const before = server.connections.length;
    const r1 = acquire(s, 100);
    const r2 = acquire(s, 100);
    await s.client.opened();
    r1();
    r2(); // last one out: closes in 100 ms…
    const r3 = acquire(s, 100); // …unless someone comes back
    await new Promise((r) => setTimeout(r, 200));
    expect(s.client.state).toBe('open');
    expect(server.connections.length - before).toBe(1);
    const released = Date.now();
    r3();
    await until(() => s.client.state === 'closed');
    expect(Date.now() - released).toBeGreaterThanOrEqual(90);
    // gone from the registry: the next ask makes a fresh client
    expect(obtain(url, { url })).not.toBe(s);
  });

  it('a client acquired after its timer closed it (a slow render) is connected and shared again', async () => {
    const url = `${server.url}late`;
    const s = obtain(url, { url, heartbeat: false });
    acquire(s, 10)();
    await until(() => s.client.state === 'closed'); // closed, and gone from the registry
    const release = acquire(s, 10);
    expect(obtain(url, { url })).toBe(s);
    await s.client.opened();
    release();
  });

  it('keeps a lazy client lazy: acquire does not connect it', async () => {
    const url = `${server.url}lazy`;
    const s = obtain(url, { url, lazy: true });
    const release = acquire(s, 10);
    expect(s.client.state).toBe('closed');
    release();
  });
});
