import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type TetherError } from '@tether/protocol';
import { systemClock } from './clock';
import { DEFAULTS } from './defaults';
import { createQueue, entry, type Queue, sendResult, settle } from './queue';
import type { DropReason, QueueOptions } from './types';

function queue(options: QueueOptions = {}) {
  const drops: Array<{ message: string; reason: DropReason; error: TetherError }> = [];
  const q = createQueue<string>({ ...DEFAULTS.queue, ...options }, systemClock, (e, reason, error) =>
    drops.push({ message: e.message, reason, error }),
  );
  const add = (m: string, ttl = 0) => {
    const e = entry(m, m, ttl ? Date.now() + ttl : Infinity);
    return { e, error: q.push(e) };
  };
  return { q, drops, add };
}

const drain = (q: Queue<string>) => {
  const out: string[] = [];
  q.flush((e) => (out.push(e.message), settle(e, null), true));
  return out;
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('MessageQueue', () => {
  it('keeps order and counts messages and bytes', () => {
    const { q, add } = queue();
    add('a');
    add('bé');
    expect([q.size, q.bytes]).toEqual([2, 4]);
    expect(q.toArray()).toEqual(['a', 'bé']);
    expect(drain(q)).toEqual(['a', 'bé']);
    expect([q.size, q.bytes]).toEqual([0, 0]);
  });

  it('flush stops where the writer stops', () => {
    const { q, add } = queue();
    ['a', 'b', 'c'].forEach((m) => add(m));
    const out: string[] = [];
    q.flush((e) => out.length < 2 && (out.push(e.message), true));
    expect(out).toEqual(['a', 'b']);
    expect(q.toArray()).toEqual(['c']);
  });

  it('drop-oldest makes room by count, reporting each drop', async () => {
    const { q, drops, add } = queue({ maxCount: 2 });
    const first = add('1');
    add('2');
    expect(add('3').error).toBeUndefined();
    expect(q.toArray()).toEqual(['2', '3']);
    expect(drops.map((d) => [d.message, d.reason, d.error.code])).toEqual([['1', 'overflow', ErrorCode.QUEUE_FULL]]);
    await expect(sendResult(first.e, 'queued').written()).rejects.toMatchObject({ code: ErrorCode.QUEUE_FULL });
  });

  it('drop-oldest makes room by bytes', () => {
    const { q, add } = queue({ maxBytes: 10 });
    add('aaaa');
    add('bbbb');
    add('cccc');
    expect(q.toArray()).toEqual(['bbbb', 'cccc']);
    expect(q.bytes).toBe(8);
  });

  it('a message larger than the whole queue is refused, not let in by emptying it', () => {
    const { q, drops, add } = queue({ maxBytes: 4 });
    add('ok');
    expect(add('too long').error?.code).toBe(ErrorCode.QUEUE_FULL);
    expect(q.toArray()).toEqual(['ok']);
    expect(drops.map((d) => d.message)).toEqual(['too long']);
  });

  it('drop-newest refuses the new message and reports it dropped', () => {
    const { q, drops, add } = queue({ maxCount: 1, overflow: 'drop-newest' });
    add('1');
    expect(add('2').error?.code).toBe(ErrorCode.QUEUE_FULL);
    expect(q.toArray()).toEqual(['1']);
    expect(drops.map((d) => [d.message, d.reason])).toEqual([['2', 'overflow']]);
  });

  it('error refuses the new message without a drop event (the sender is told)', async () => {
    const { q, drops, add } = queue({ maxCount: 1, overflow: 'error' });
    add('1');
    const second = add('2');
    expect(second.error?.code).toBe(ErrorCode.QUEUE_FULL);
    expect(drops).toEqual([]);
    expect(q.size).toBe(1);
    await expect(sendResult(second.e, 'rejected').written()).rejects.toBe(second.error);
  });

  it('expires messages at their deadline, on a timer, oldest deadline first', () => {
    const { q, drops, add } = queue();
    add('short', 100);
    add('forever');
    add('long', 300);
    vi.advanceTimersByTime(99);
    expect(drops).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(drops.map((d) => [d.message, d.reason, d.error.code])).toEqual([['short', 'expired', ErrorCode.MESSAGE_EXPIRED]]);
    vi.advanceTimersByTime(200);
    expect(drops.map((d) => d.message)).toEqual(['short', 'long']);
    expect(q.toArray()).toEqual(['forever']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flush drops what expired even if the timer has not run (throttled timers)', () => {
    const { q, drops, add } = queue();
    add('old', 50);
    add('new');
    vi.setSystemTime(Date.now() + 60);
    expect(drain(q)).toEqual(['new']);
    expect(drops.map((d) => d.reason)).toEqual(['expired']);
  });

  it('clear gives up everything with reason cleared and disarms the timer', async () => {
    const { q, drops, add } = queue();
    const a = add('a', 1000);
    add('b');
    q.clear();
    expect(q.size).toBe(0);
    expect(drops.map((d) => [d.message, d.reason, d.error.code])).toEqual([
      ['a', 'cleared', ErrorCode.ABORTED],
      ['b', 'cleared', ErrorCode.ABORTED],
    ]);
    expect(vi.getTimerCount()).toBe(0);
    await expect(sendResult(a.e, 'queued').written()).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });

  it('written() resolves once the message is written, even when asked afterwards', async () => {
    const { q, add } = queue();
    const { e } = add('a');
    const early = sendResult(e, 'queued').written();
    drain(q);
    await expect(early).resolves.toBeUndefined();
    await expect(sendResult(e, 'queued').written()).resolves.toBeUndefined();
  });

  it('remove takes a message out silently', () => {
    const { q, drops, add } = queue();
    const { e } = add('a');
    add('b');
    q.remove(e);
    expect(q.toArray()).toEqual(['b']);
    expect(q.bytes).toBe(1);
    expect(drops).toEqual([]);
  });
});
