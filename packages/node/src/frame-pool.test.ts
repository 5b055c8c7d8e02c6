import { afterEach, describe, expect, it, vi } from 'vitest';
import { POOLED_MIN, allocFrame, emptyPool, pooled, releaseFrames } from './frame-pool';

afterEach(() => {
  emptyPool();
  vi.useRealTimers();
});

const drain = emptyPool;

describe('the frame pool', () => {
  it('hands a released frame buffer out again for a frame of about its size, and only once', () => {
    drain();
    const first = allocFrame(POOLED_MIN + 10);
    releaseFrames([first.subarray(2)]);
    expect(pooled()).toEqual({ buffers: 1, bytes: POOLED_MIN + 10 });
    const again = allocFrame(POOLED_MIN);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(POOLED_MIN);
    expect(pooled().buffers).toBe(0);
    expect(allocFrame(POOLED_MIN).buffer).not.toBe(first.buffer);
  });

  it('keeps no small buffers and gives none out for a frame half its size or bigger than it', () => {
    drain();
    releaseFrames([allocFrame(1024), allocFrame(POOLED_MIN - 1)]);
    expect(pooled().buffers).toBe(0);
    const big = allocFrame(4 * POOLED_MIN);
    releaseFrames([big]);
    expect(allocFrame(POOLED_MIN).buffer).not.toBe(big.buffer);
    expect(allocFrame(8 * POOLED_MIN).buffer).not.toBe(big.buffer);
    expect(allocFrame(3 * POOLED_MIN).buffer).toBe(big.buffer);
  });

  it('holds at most 32 MiB and 16 buffers', () => {
    drain();
    releaseFrames(Array.from({ length: 40 }, () => allocFrame(POOLED_MIN)));
    expect(pooled().buffers).toBe(16);
    drain();
    releaseFrames(Array.from({ length: 5 }, () => allocFrame(10 * 1024 * 1024)));
    expect(pooled()).toEqual({ buffers: 3, bytes: 30 * 1024 * 1024 });
  });

  it('lets its memory go after a second without use, and keeps it while in use', () => {
    drain();
    vi.useFakeTimers();
    releaseFrames([allocFrame(POOLED_MIN), allocFrame(POOLED_MIN)]);
    vi.advanceTimersByTime(900);
    releaseFrames([allocFrame(POOLED_MIN)]);
    vi.advanceTimersByTime(900);
    expect(pooled().buffers).toBeGreaterThan(0);
    vi.advanceTimersByTime(2100);
    expect(pooled()).toEqual({ buffers: 0, bytes: 0 });
  });
});
