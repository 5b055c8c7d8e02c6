import { createClient, type ClientOptions } from '@tether/client';
import { SERVER_CONNECTION } from './defaults';
import { type Store, storeOf } from './store';

/** The store of a shared client, with who uses it and the timer that closes it once nobody does. */
export interface Shared extends Store {
  readonly key: unknown;
  /** The caller's options were not `lazy`: connect when the first provider mounts. */
  /** `a`: the provider connects it (not `lazy`). Short names survive minification; these are internal. */
  readonly a: boolean;
  /** `n`: providers using it. */
  n: number;
  /** `t`: the grace timer that closes it once nobody uses it. */
  t?: ReturnType<typeof setTimeout> | undefined;
}

const shared = new Map<unknown, Shared>();

/**
 * The shared client of `key` (its store), created lazily, so without a socket, on first ask. Safe
 * during render and on the server: only `acquire`, from an effect, connects.
 */
export function obtain(key: unknown, options: ClientOptions<unknown, unknown, string>): Shared {
  let s = shared.get(key);
  if (!s) {
    shared.set(key, (s = Object.assign(storeOf(createClient({ ...options, lazy: true })), { key, a: !options.lazy, n: 0 })));
    // About to connect: its `closed` reads as `connecting` until its first state change.
    if (s.a) s.c.v = SERVER_CONNECTION;
  }
  return s;
}

/**
 * Counts one more user of `s` and connects it; the returned function counts it out, and the last
 * one out closes the client `grace` ms later unless someone acquires it again meanwhile (a route
 * change, StrictMode's unmount and mount).
 */
export function acquire(s: Shared, grace: number): () => void {
  clearTimeout(s.t);
  s.n++;
  // Acquired after its timer closed it (a render that took longer than the grace period): back in.
  if (!shared.has(s.key)) shared.set(s.key, s);
  if (s.a) s.client.connect();
  return () => {
    if (--s.n) return;
    s.t = setTimeout(() => {
      if (shared.get(s.key) === s) shared.delete(s.key);
      void s.client.close();
    }, grace);
  };
}
