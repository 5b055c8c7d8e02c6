import { describe, expect, it } from 'vitest';
import { backoff, parseRetryAfter } from './backoff';
import { DEFAULTS } from './defaults';

const o = { ...DEFAULTS.reconnect, initialDelay: 100, maxDelay: 1000, factor: 2 };

describe('backoff', () => {
  it('full jitter: uniform in [0, cap], the cap doubling per attempt up to maxDelay', () => {
    expect(backoff(0, o, () => 0)).toBe(0);
    expect(backoff(0, o, () => 0.999999)).toBe(100);
    expect(backoff(3, o, () => 0.5)).toBe(400);
    expect(backoff(10, o, () => 0.999999)).toBe(1000);
  });

  it('spreads delays: 1000 draws of the first retry cover the whole window', () => {
    const draws = Array.from({ length: 1000 }, () => backoff(0, o, Math.random));
    expect(Math.min(...draws)).toBeLessThan(10);
    expect(Math.max(...draws)).toBeGreaterThan(90);
    const buckets = new Array(10).fill(0);
    for (const d of draws) buckets[Math.min(9, Math.floor(d / 10))]++;
    expect(Math.max(...buckets)).toBeLessThan(200); // uniform: about 100 each
  });

  it('equal jitter keeps at least half the cap; none uses the cap', () => {
    expect(backoff(1, { ...o, jitter: 'equal' }, () => 0)).toBe(100);
    expect(backoff(1, { ...o, jitter: 'equal' }, () => 0.999999)).toBe(200);
    expect(backoff(2, { ...o, jitter: 'none' }, () => 0.3)).toBe(400);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:47 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBeUndefined();
  });
});
