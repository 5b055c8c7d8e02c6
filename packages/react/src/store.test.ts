// The store the hooks read, driven by a real client over a real socket: the connection snapshot
// (state, attempt, nextRetryAt, queued) and the latest message per type.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '@tether/client';
import { storeOf } from './store';
import { type In, type Out, startServer, type TestServer, until } from './test-utils';
import type { Connection } from './types';

let server: TestServer;
const clients: Client<In, Out>[] = [];
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const make = (url = server.url, lazy = true) => {
  const c = createClient<In, Out>({ url, lazy, heartbeat: false, reconnect: { initialDelay: 200, maxDelay: 200, jitter: 'none' } });
  clients.push(c);
  return c;
};

describe('storeOf', () => {
  it('is one store per client', () => {
    const c = make();
    expect(storeOf(c)).toBe(storeOf(c));
    expect(storeOf(make())).not.toBe(storeOf(c));
  });

  it('follows the state, notifies only on change, and keeps the snapshot object while nothing changed', async () => {
    const c = make();
    const store = storeOf(c);
    const seen: Connection[] = [];
    store.c.sub(() => seen.push(store.c.v));
    const first = store.c.v;
    expect(first).toEqual({ state: 'closed', attempt: 0, nextRetryAt: null, queued: 0 });
    store.u();
    expect(store.c.v).toBe(first);
    c.connect();
    await c.opened();
    expect(seen.map((s) => s.state)).toEqual(['connecting', 'open']);
    store.u();
    expect(seen).toHaveLength(2);
  });

  it('counts queued messages after a send (update) and empties the count when the queue is flushed on open', async () => {
    const c = make();
    const store = storeOf(c);
    c.send({ type: 'say', text: 'a' }); // wakes the lazy client: connecting, so queued
    c.send({ type: 'say', text: 'b' });
    store.u();
    expect(store.c.v.queued).toBe(2);
    await c.opened();
    expect(store.c.v).toMatchObject({ state: 'open', queued: 0 });
  });

  it('shows the retry number and when it starts while reconnecting; after the end, no next retry but the last number', async () => {
    const dead = await startServer();
    const url = dead.url;
    await dead.close(); // nothing listens there any more: every attempt fails
    const c = make(url, false);
    const store = storeOf(c);
    await until(() => store.c.v.state === 'reconnecting' && store.c.v.attempt >= 2);
    const { attempt, nextRetryAt } = store.c.v;
    expect(nextRetryAt).not.toBeNull();
    // jitter 'none': the delay is exactly the 200 ms cap
    expect(nextRetryAt! - Date.now()).toBeLessThanOrEqual(200);
    expect(nextRetryAt! - Date.now()).toBeGreaterThan(-1000);
    await until(() => store.c.v.attempt > attempt);
    await c.close();
    expect(store.c.v).toMatchObject({ state: 'closed', nextRetryAt: null, queued: 0 });
    expect(store.c.v.attempt).toBeGreaterThan(attempt);
  });

  it('keeps the latest message of a type from the first ask, and tells only that type', async () => {
    const c = make();
    const store = storeOf(c);
    const chat = store.l('chat');
    expect(store.l('chat')).toBe(chat);
    expect(chat.v).toBeUndefined();
    let chats = 0;
    chat.sub(() => chats++);
    const presence = store.l('presence');
    c.connect();
    await c.opened();
    await server.connection(server.connections.length - 1);
    server.broadcast({ type: 'chat', text: 'one' });
    server.broadcast({ type: 'chat', text: 'two' });
    await until(() => chats === 2);
    expect(chat.v).toEqual({ type: 'chat', text: 'two' });
    expect(presence.v).toBeUndefined();
  });
});
