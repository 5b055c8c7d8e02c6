import { describe, expect, it } from 'vitest';
import { Listeners, WebSocketEvent } from './event-target';

describe('event handler attributes', () => {
  it('keep the position of the first assignment when replaced, and drop out when set to null', () => {
    const listeners = new Listeners(new EventTarget());
    const calls: string[] = [];
    listeners.setHandler('x', () => calls.push('handler 1'));
    listeners.add('x', () => calls.push('listener'));
    listeners.setHandler('x', () => calls.push('handler 2'));
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['handler 2', 'listener']);
    calls.length = 0;
    listeners.setHandler('x', null);
    expect(listeners.handler('x')).toBeNull();
    listeners.setHandler('x', () => calls.push('handler 3'));
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['listener', 'handler 3']);
  });

  it('call handlers with the target as this, and ignore non-functions', () => {
    const target = new EventTarget();
    const listeners = new Listeners(target);
    let self: unknown;
    listeners.setHandler('x', function (this: unknown) {
      self = this;
    });
    listeners.setHandler('y', 'not a function');
    expect(listeners.handler('y')).toBeNull();
    expect(listeners.has('y')).toBe(false);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(self).toBe(target);
  });

  it('are apart from listeners: the same function added and removed as a listener leaves the handler', () => {
    const listeners = new Listeners(new EventTarget());
    const calls: string[] = [];
    const fn = (): number => calls.push('fn');
    listeners.setHandler('x', fn);
    listeners.add('x', fn);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['fn', 'fn']);
    listeners.remove('x', fn);
    listeners.dispatch(new WebSocketEvent('x'));
    expect(calls).toEqual(['fn', 'fn', 'fn']);
    expect(listeners.handler('x')).toBe(fn);
  });
});
