import type { Client, ClientState } from '@tether/client';
import type { Connection } from './types';

// Internal: the hooks work on any client; the public types narrow it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClient = Client<any, any, any, any>;

/** The client's emitter with event names unchecked (routed names come from the caller). */
export interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** One value that changes, as an external store for `useSyncExternalStore`. */
export interface Topic<T> {
  /** The current value. */
  v: T;
  /** Subscribes to changes; one function per topic, so React does not subscribe again. */
  readonly sub: (onChange: () => void) => () => void;
  /** Replaces the value and tells the subscribers. */
  readonly set: (value: T) => void;
}

function topic<T>(v: T): Topic<T> {
  const subs = new Set<() => void>();
  const t: Topic<T> = {
    v,
    sub: (f) => (subs.add(f), () => void subs.delete(f)),
    set: (value) => {
      t.v = value;
      subs.forEach((f) => f());
    },
  };
  return t;
}

/** What the hooks read from one client. */
export interface Store {
  readonly client: AnyClient;
  /** `c`: the connection; a new object only when a field changed. (Short names: they survive minification.) */
  readonly c: Topic<Connection>;
  /** `u`: re-reads the connection and tells subscribers if it changed (after a send, for `queued`). */
  readonly u: () => void;
  /** `l`: the latest message of `type` (undefined before one), kept from the first call on. */
  readonly l: (type: string) => Topic<unknown>;
}

const stores = new WeakMap<AnyClient, Store>();

/** The one store of `client`, made on first use. Its listeners live as long as the client. */
export function storeOf(client: AnyClient): Store {
  let store = stores.get(client);
  if (store) return store;
  const messages = new Map<string, Topic<unknown>>();
  let attempt = 0;
  let nextRetryAt: number | null = null;
  const read = (): Connection => ({ state: client.state, attempt, nextRetryAt, queued: client.queue.size });
  const conn = topic(read());
  const update = () => {
    const next = read();
    let k: keyof Connection;
    for (k in next) if (next[k] !== conn.v[k]) return conn.set(next);
  };
  // `state` comes before `reconnecting` (which says when the next attempt starts); the queue is
  // flushed between `state` (open) and `open`, and shrinks on `drop`.
  client
    .on('state', (s: ClientState) => {
      if (s !== 'reconnecting') nextRetryAt = null;
      update();
    })
    .on('reconnecting', (r: { attempt: number; delay: number }) => {
      attempt = r.attempt;
      nextRetryAt = Date.now() + r.delay;
      update();
    })
    .on('open', () => {
      attempt = 0;
      update();
    })
    .on('drop', update);
  store = {
    client,
    c: conn,
    u: update,
    l: (type) => {
      let t = messages.get(type);
      if (!t) {
        messages.set(type, (t = topic<unknown>(undefined)));
        (client as unknown as Emitter).on(type, t.set);
      }
      return t;
    },
  };
  stores.set(client, store);
  return store;
}
