import type { CloseInfo } from './types';

/** Close codes of our own (RFC 6455 §7.4.2 leaves 4000-4999 to applications and libraries). */
export const ClientCloseCode = {
  /** No sign of life within interval + timeout: sent to the server if it can still hear, and reported. */
  HeartbeatTimeout: 4000,
  /** The opening handshake took longer than `connectTimeout`: reported only, never sent. */
  ConnectTimeout: 4001,
} as const;

/** Every default of the client, in one place. */
export const DEFAULTS = {
  discriminator: 'type',
  connectTimeout: 10_000,
  closeTimeout: 5_000,
  reconnect: { initialDelay: 500, maxDelay: 30_000, factor: 2, jitter: 'full', maxRetries: Infinity, minUptime: 5_000 },
  queue: { maxCount: 1000, maxBytes: 1024 * 1024, ttl: 0, overflow: 'drop-oldest' },
  heartbeat: { interval: 25_000, timeout: 10_000 },
  requests: { idField: 'id', timeout: 10_000 },
  /** Messages an unconsumed async iterator may hold before it fails. */
  iteratorLimit: 10_000,
} as const;

/**
 * The default reconnection policy: reconnect, except after 1008 (policy violation) and after a
 * handshake answered with a 4xx other than 429. A close the client asked for never reconnects.
 */
export function shouldReconnect(info: CloseInfo): boolean {
  const s = info.status ?? 0;
  return info.code !== 1008 && !(s >= 400 && s < 500 && s !== 429);
}
