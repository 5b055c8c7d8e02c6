import type { Clock } from './clock';

/** A deadline that fires this much late means the timers were throttled or the machine slept. */
export const LATE_MS = 1000;

export interface Heartbeat {
  /** Something arrived: a message, a pong, a ping. */
  alive(): void;
  /** Probe now, unless a probe is already out (used on wake-up and when the page shows again). */
  check(): void;
  stop(): void;
}

/**
 * Keeps one connection honest: after `interval` ms without a sign of life, `probe()`; if nothing
 * arrives within `timeout` ms, `dead()`. A silent connection is thus found within
 * interval + timeout. A deadline reached late (a background tab, a machine waking up) is not taken
 * as a dead server: it earns one more probe. A probe that throws (a ping on a closing `ws`) is
 * ignored: the socket's close event follows.
 */
export function startHeartbeat(clock: Clock, interval: number, timeout: number, probe: () => void, dead: () => void): Heartbeat {
  let lastSeen = clock.now();
  let sentAt = -1;
  let timer: unknown;
  const after = (ms: number, fn: () => void) => {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(fn, ms);
  };
  const tick = () => {
    const idle = clock.now() - lastSeen;
    if (idle < interval) after(interval - idle, tick);
    else send();
  };
  const send = () => {
    sentAt = clock.now();
    after(timeout, expire);
    try {
      probe();
    } catch {}
  };
  const expire = () => (lastSeen >= sentAt ? ((sentAt = -1), tick()) : clock.now() - sentAt - timeout > LATE_MS ? send() : dead());
  after(interval, tick);
  return {
    alive: () => void (lastSeen = clock.now()),
    check: () => void (sentAt < 0 && send()),
    stop: () => clock.clearTimeout(timer),
  };
}
