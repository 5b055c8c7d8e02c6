import type { Connection } from './types';

/** Every default of `@tether/react`, in one place. */
export const DEFAULTS = {
  /** Milliseconds a shared client stays open after its last provider unmounted. */
  grace: 2_000,
} as const;

/**
 * The connection as rendered on the server and during hydration: no socket exists there, and the
 * client will be connecting once the provider has mounted.
 */
export const SERVER_CONNECTION: Connection = { state: 'connecting', attempt: 0, nextRetryAt: null, queued: 0 };
