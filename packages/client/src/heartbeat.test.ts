import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock';
import { LATE_MS, startHeartbeat } from './heartbeat';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function beat(interval = 1000, timeout = 500) {
  const probe = vi.fn();
  const dead = vi.fn();
  const hb = startHeartbeat(systemClock, interval, timeout, probe, dead);
  return { hb, probe, dead };
}

describe('heartbeat', () => {
  it('probes after `interval` of silence and declares death `timeout` later', () => {
    const { probe, dead } = beat();
    vi.advanceTimersByTime(999);
    expect(probe).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(probe).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(499);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('an answer keeps it alive, and probing goes on', () => {
    const { hb, probe, dead } = beat();
    vi.advanceTimersByTime(1000);
    hb.alive();
    vi.advanceTimersByTime(500);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('any traffic counts as life: a busy connection is never probed', () => {
    const { hb, probe, dead } = beat();
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(300);
      hb.alive();
    }
    expect(probe).not.toHaveBeenCalled();
    expect(dead).not.toHaveBeenCalled();
  });

  it('a silent connection is found within interval + timeout of its last sign of life', () => {
    const { hb, dead } = beat();
    vi.advanceTimersByTime(700);
    hb.alive(); // last sign of life at t=700
    vi.advanceTimersByTime(1000 + 500 - 1);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('a deadline reached late (throttled timers, sleep) earns another probe instead of death', () => {
    const { probe, dead } = beat();
    vi.advanceTimersByTime(1000);
    expect(probe).toHaveBeenCalledTimes(1);
    // The machine sleeps: the clock jumps, the timer fires far past its deadline.
    vi.setSystemTime(Date.now() + 500 + LATE_MS + 1);
    vi.advanceTimersByTime(500);
    expect(dead).not.toHaveBeenCalled();
    expect(probe).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(500);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('check() probes at once unless a probe is out; stop() ends it', () => {
    const { hb, probe, dead } = beat();
    hb.check();
    hb.check();
    expect(probe).toHaveBeenCalledTimes(1);
    hb.stop();
    vi.advanceTimersByTime(10_000);
    expect(dead).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
