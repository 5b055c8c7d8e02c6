import type { Clock } from './clock';

/** How often the sleep detector looks at the clock, and how far it may jump before we call it sleep. */
export const SLEEP_CHECK_MS = 5000;
export const SLEEP_GAP_MS = 10_000;

interface Target {
  addEventListener(type: string, fn: (ev: { persisted?: boolean }) => void): void;
  removeEventListener(type: string, fn: (ev: { persisted?: boolean }) => void): void;
}
interface BrowserGlobals extends Partial<Target> {
  navigator?: { onLine?: boolean };
  document?: Target & { visibilityState?: string };
}
const g = globalThis as unknown as BrowserGlobals;

/** False only where the platform knows it is offline (`navigator.onLine`); Node has no opinion. */
export function isOnline(): boolean {
  return g.navigator?.onLine !== false;
}

/**
 * Watches what a page can see of the network and of the machine: `online` and `offline`, the page
 * becoming visible or restored from the back/forward cache, and wall-clock jumps showing the
 * machine slept. Does nothing where there is no `addEventListener` on the global (Node). Returns
 * the unsubscribe.
 */
export function watchEnvironment(clock: Clock, online: () => void, wake: () => void, offline: () => void): () => void {
  const add = g.addEventListener;
  const doc = g.document;
  if (typeof add !== 'function') return () => {};
  const visible = () => doc?.visibilityState !== 'hidden' && wake();
  const subs: Array<[Target, string, (ev: { persisted?: boolean }) => void]> = [[g as Target, 'online', online], [g as Target, 'offline', offline], [g as Target, 'pageshow', (ev: { persisted?: boolean }) => ev.persisted && wake()]];
  if (doc) subs.push([doc, 'visibilitychange', visible]);
  for (const [t, type, fn] of subs) t.addEventListener(type, fn);
  let last = clock.now();
  let timer: unknown;
  const check = () => {
    const now = clock.now();
    if (now - last > SLEEP_CHECK_MS + SLEEP_GAP_MS) wake();
    last = now;
    timer = clock.setTimeout(check, SLEEP_CHECK_MS);
  };
  timer = clock.setTimeout(check, SLEEP_CHECK_MS);
  return () => {
    clock.clearTimeout(timer);
    for (const [t, type, fn] of subs) t.removeEventListener(type, fn);
  };
}
