import { createClient, type ClientOptions } from '@tether/client';
import { type AnyClient, storeOf } from './store';

/** One shared client: who uses it, and the timer that closes it once nobody does. */
export interface Shared {
  readonly key: unknown;
  readonly client: AnyClient;
  /** The caller's options were not `lazy`: connect when the first provider mounts. */
  readonly connect: boolean;
  users: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

const shared = new Map<unknown, Shared>();

/**
 * The shared client of `key`, created (lazy, so without a socket) on first ask. Safe during
 * render and on the server: only `acquire`, from an effect, connects.
 */
export function obtain(key: unknown, options: ClientOptions<unknown, unknown, string>): Shared {
  let s = shared.get(key);
  if (!s) {
    const client = createClient({ ...options, lazy: true });
    shared.set(key, (s = { key, client, connect: !options.lazy, users: 0 }));
    storeOf(client, s.connect);
  }
  return s;
}

/**
 * Counts one more user of `s` and connects it; the returned function counts it out, and the last
 * one out closes the client `grace` ms later unless someone acquires it again meanwhile (a route
 * change, StrictMode's unmount and mount).
 */
export function acquire(s: Shared, grace: number): () => void {
  clearTimeout(s.timer);
  s.users++;
  if (!shared.has(s.key)) shared.set(s.key, s);
  if (s.connect) s.client.connect();
  return () => {
    if (--s.users) return;
    s.timer = setTimeout(() => {
      if (shared.get(s.key) === s) shared.delete(s.key);
      void s.client.close();
    }, grace);
  };
}
