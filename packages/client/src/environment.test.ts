import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock';
import { isOnline, SLEEP_CHECK_MS, SLEEP_GAP_MS, watchEnvironment } from './environment';

/** A minimal page: a global event target, a document with visibility, a navigator. */
function page() {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
  vi.stubGlobal('document', doc);
  vi.stubGlobal('navigator', { onLine: true });
  const fire = (target: EventTarget, type: string, extra: object = {}) => target.dispatchEvent(Object.assign(new Event(type), extra));
  return { win, doc, fire };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('watchEnvironment', () => {
  it('does nothing and holds no timer where the global has no addEventListener (Node)', () => {
    const stop = watchEnvironment(systemClock, vi.fn(), vi.fn(), vi.fn());
    expect(vi.getTimerCount()).toBe(0);
    stop();
    expect(isOnline()).toBe(true);
  });

  it('reports online, offline, a page shown again, a bfcache restore, and unsubscribes', () => {
    const { win, doc, fire } = page();
    const online = vi.fn();
    const wake = vi.fn();
    const offline = vi.fn();
    const stop = watchEnvironment(systemClock, online, wake, offline);
    fire(win, 'online');
    expect(online).toHaveBeenCalledTimes(1);
    expect(offline).not.toHaveBeenCalled();
    fire(win, 'offline');
    expect(offline).toHaveBeenCalledTimes(1);
    fire(win, 'pageshow', { persisted: false });
    expect(wake).not.toHaveBeenCalled();
    fire(win, 'pageshow', { persisted: true });
    doc.visibilityState = 'hidden';
    fire(doc, 'visibilitychange');
    expect(wake).toHaveBeenCalledTimes(1);
    doc.visibilityState = 'visible';
    fire(doc, 'visibilitychange');
    expect(wake).toHaveBeenCalledTimes(2);
    stop();
    fire(win, 'online');
    fire(win, 'offline');
    fire(doc, 'visibilitychange');
    expect([online.mock.calls.length, wake.mock.calls.length, offline.mock.calls.length]).toEqual([1, 2, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('notices a wall-clock jump (the machine slept), not an ordinary tick', () => {
    page();
    const wake = vi.fn();
    const stop = watchEnvironment(systemClock, vi.fn(), wake, vi.fn());
    vi.advanceTimersByTime(SLEEP_CHECK_MS * 5);
    expect(wake).not.toHaveBeenCalled();
    vi.setSystemTime(Date.now() + SLEEP_GAP_MS + 1);
    vi.advanceTimersByTime(SLEEP_CHECK_MS);
    expect(wake).toHaveBeenCalledTimes(1);
    stop();
  });

  it('isOnline follows navigator.onLine', () => {
    page();
    expect(isOnline()).toBe(true);
    vi.stubGlobal('navigator', { onLine: false });
    expect(isOnline()).toBe(false);
  });
});
