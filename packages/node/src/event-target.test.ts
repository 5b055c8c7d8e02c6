import { describe, expect, it, vi } from 'vitest';
import { Listeners, WebSocketEvent } from './event-target';

function setup(): { target: EventTarget; listeners: Listeners; calls: string[] } {
  const target = new EventTarget();
  return { target, listeners: new Listeners(target), calls: [] };
}

describe('Listeners', () => {
  it('calls listeners in order with the target as this and as event.target, once each', () => {
    const { target, listeners, calls } = setup();
    let self: unknown;
    const fn = function (this: unknown, event: WebSocketEvent): void {
      self = this;
      calls.push(`fn ${event.eventPhase} ${event.currentTarget === target}`);
    };
    listeners.add('x', fn);
    listeners.add('x', fn);
    listeners.add('x', { handleEvent: () => calls.push('object') });
    const event = new WebSocketEvent('x');
    expect(listeners.dispatch(event)).toBe(true);
    expect(calls).toEqual(['fn 2 true', 'object']);
    expect(self).toBe(target);
    expect([event.target, event.currentTarget, event.eventPhase]).toEqual([target, null, 0]);
  });

  it('honours once, signal, capture and removal', () => {
    const { listeners, calls } = setup();
    const controller = new AbortController();
    listeners.add('x', () => calls.push('once'), { once: true });
    listeners.add('x', () => calls.push('signal'), { signal: controller.signal });
    const both = (): number => calls.push('both');
    listeners.add('x', both);
    listeners.add('x', both, true);
    listeners.add('x', () => calls.push('capture'), { capture: true });
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['both', 'capture', 'once', 'signal', 'both']);
    calls.length = 0;
    controller.abort();
    listeners.remove('x', both);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['both', 'capture']);
    listeners.add('y', () => calls.push('never'), { signal: AbortSignal.abort() });
    listeners.dispatch(new WebSocketEvent('y'));
    expect(calls).toEqual(['both', 'capture']);
  });

  it('skips a listener removed during dispatch and waits with one added during it, also when the removed one was last', () => {
    const { listeners, calls } = setup();
    const last = (): number => calls.push('last');
    listeners.add('x', () => {
      calls.push('first');
      listeners.remove('x', last);
      listeners.add('x', () => calls.push('added'));
    });
    listeners.add('x', last);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['first']);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['first', 'first', 'added']);
  });

  it('stops at stopImmediatePropagation()', () => {
    const { listeners, calls } = setup();
    listeners.add('x', (event: WebSocketEvent) => {
      calls.push('first');
      event.stopImmediatePropagation();
    });
    listeners.add('x', () => calls.push('second'));
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['first']);
  });

  it('reports an exception from a listener and runs the others', () => {
    const { listeners, calls } = setup();
    const reported: Array<() => void> = [];
    const spy = vi.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => void reported.push(fn)) as typeof process.nextTick);
    try {
      listeners.add('x', () => {
        throw new RangeError('listener bug');
      });
      listeners.add('x', () => calls.push('after'));
      listeners.dispatch(new WebSocketEvent('x'));
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual(['after']);
    expect(reported).toHaveLength(1);
    expect(() => reported[0]!()).toThrow(RangeError);
  });

  it('passes a DOM Event dispatched by a caller to the listeners', () => {
    const { listeners, calls } = setup();
    listeners.add('custom', (event: Event) => calls.push(event.type));
    listeners.dispatch(new Event('custom'));
    expect(calls).toEqual(['custom']);
  });
});

describe('Listeners, added and removed while dispatching', () => {
  it('run a once listener a single time, also when it dispatches again from inside', () => {
    const { listeners, calls } = setup();
    listeners.add(
      'x',
      () => {
        calls.push('once');
        listeners.dispatch(new WebSocketEvent('x'));
      },
      { once: true },
    );
    listeners.add('x', () => calls.push('other'));
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['once', 'other', 'other']);
    expect(listeners.has('x')).toBe(true);
  });

  it('keep types apart and forget a type whose listeners are all gone', () => {
    const { listeners, calls } = setup();
    const a = (): number => calls.push('a');
    listeners.add('a', a);
    listeners.add('b', () => calls.push('b'), { capture: true });
    listeners.dispatch(new WebSocketEvent('a'));
    listeners.dispatch(new WebSocketEvent('b'));
    listeners.remove('a', a);
    listeners.remove('a', a);
    expect(listeners.has('a')).toBe(false);
    listeners.dispatch(new WebSocketEvent('a'));
    expect(calls).toEqual(['a', 'b']);
  });
});
