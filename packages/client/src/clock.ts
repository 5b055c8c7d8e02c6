/** Timers and time, injected so that reconnection, heartbeats and queue expiry can run on fake time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface TimerGlobals {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const g = globalThis as unknown as TimerGlobals;

/** The platform's timers, looked up at each call so that test doubles installed later are honoured. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => g.setTimeout(fn, ms),
  clearTimeout: (handle) => g.clearTimeout(handle),
};
