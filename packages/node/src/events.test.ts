import { describe, expect, it } from 'vitest';
import { HandlerAttributes } from './events';

describe('event handler attributes', () => {
  it('keep the position of the first assignment when replaced, and drop out when set to null', () => {
    const target = new EventTarget();
    const handlers = new HandlerAttributes(target);
    const calls: string[] = [];
    handlers.set('x', () => calls.push('handler 1'));
    target.addEventListener('x', () => calls.push('listener'));
    handlers.set('x', () => calls.push('handler 2'));
    target.dispatchEvent(new Event('x'));
    expect(calls).toEqual(['handler 2', 'listener']);
    calls.length = 0;
    handlers.set('x', null);
    expect(handlers.get('x')).toBeNull();
    handlers.set('x', () => calls.push('handler 3'));
    target.dispatchEvent(new Event('x'));
    expect(calls).toEqual(['listener', 'handler 3']);
  });

  it('call handlers with the target as this, and ignore non-functions', () => {
    const target = new EventTarget();
    const handlers = new HandlerAttributes(target);
    let self: unknown;
    handlers.set('x', function (this: unknown) {
      self = this;
    });
    handlers.set('y', 'not a function');
    expect(handlers.get('y')).toBeNull();
    target.dispatchEvent(new Event('x'));
    expect(self).toBe(target);
  });
});
