import type { ReconnectOptions } from './types';

/**
 * The delay before retry number `attempt` (0 for the first): a cap growing as
 * `initialDelay * factor ** attempt` up to `maxDelay`, then jittered. Full jitter (uniform in
 * [0, cap]) spreads a crowd of clients best.
 */
export function backoff(attempt: number, o: Required<ReconnectOptions>, random: () => number): number {
  const cap = Math.min(o.maxDelay, o.initialDelay * o.factor ** attempt);
  const r = random();
  return Math.round(o.jitter === 'none' ? cap : o.jitter === 'equal' ? cap / 2 + (r * cap) / 2 : r * cap);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds: delay-seconds or an HTTP-date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // All three HTTP-date forms start with the day name.
  const at = /^[a-z]/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
