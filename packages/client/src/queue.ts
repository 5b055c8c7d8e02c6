import type { TetherError } from '@tether/protocol';
import type { Clock } from './clock';
import { byteLength } from './codec';
import { err } from './errors';
import type { DropReason, QueueOptions, RawData, SendResult } from './types';

/** One outgoing message: kept encoded, so its size is known and it is encoded once. */
export interface Entry<Out> {
  readonly message: Out;
  readonly data: RawData;
  readonly bytes: number;
  readonly expires: number;
  /** Called once written (requests use it to learn which connection carried them). */
  readonly onWrite?: (() => void) | undefined;
  /** Undefined while pending; null once written; the error once given up. */
  outcome?: TetherError | null;
  waiters?: Array<(error: TetherError | null) => void> | undefined;
}

export const entry = <Out>(message: Out, data: RawData, expires: number, onWrite?: () => void): Entry<Out> => ({
  message,
  data,
  bytes: byteLength(data),
  expires,
  onWrite,
});

export function settle(e: Entry<unknown>, error: TetherError | null): void {
  if (e.outcome !== undefined) return;
  e.outcome = error;
  if (!error) e.onWrite?.();
  e.waiters?.forEach((w) => w(error));
  e.waiters = undefined;
}

/** The caller's view of what happened to an entry. `written()` makes its promise only when called. */
export function sendResult(e: Entry<unknown>, status: SendResult['status']): SendResult {
  const written = () =>
    new Promise<void>((resolve, reject) => {
      const done = (error: TetherError | null) => (error ? reject(error) : resolve());
      if (e.outcome === undefined) (e.waiters ??= []).push(done);
      else done(e.outcome);
    });
  return status === 'rejected' ? { status, error: e.outcome as TetherError, written } : { status, written };
}

/** What `client.queue` shows: the messages waiting for a connection. */
export interface MessageQueue<Out> {
  /** Messages waiting. */
  readonly size: number;
  /** Bytes waiting, after encoding. */
  readonly bytes: number;
  /** The waiting messages, oldest first. */
  toArray(): Out[];
  /** Gives up every waiting message (a `drop` event each, reason `cleared`). */
  clear(): void;
}

/** The queue with what the client does with it. */
export interface Queue<Out> extends MessageQueue<Out> {
  /**
   * Adds a message, making room by the overflow policy. Returns the error when this message is
   * the one refused (`drop-newest` and `error`, or a message larger than the whole queue).
   */
  push(e: Entry<Out>): TetherError | undefined;
  /** Hands the messages, oldest first, to `write` until it returns false; expired ones are dropped. */
  flush(write: (e: Entry<Out>) => boolean): void;
  /** Takes one message out without reporting it (its sender has given up on it already). */
  remove(e: Entry<Out>): void;
}

const CODES = { overflow: 'ERR_QUEUE_FULL', expired: 'ERR_MESSAGE_EXPIRED', cleared: 'ERR_ABORTED' } as const;

/**
 * Messages waiting for a connection, in order, bounded by count and bytes, each with an optional
 * expiry (one timer, for the earliest). Every message given up is reported through `onDrop` and
 * its `written()` rejects.
 */
export function createQueue<Out>(
  { maxCount, maxBytes, overflow }: Required<QueueOptions>,
  clock: Clock,
  onDrop: (e: Entry<Out>, reason: DropReason, error: TetherError) => void,
): Queue<Out> {
  const items: Entry<Out>[] = [];
  let total = 0;
  let timer: unknown;
  let timerAt = Infinity;
  const remove = (e: Entry<Out>) => {
    const i = items.indexOf(e);
    if (i >= 0) (items.splice(i, 1), (total -= e.bytes));
  };
  const drop = (e: Entry<Out>, reason: DropReason) => {
    const error = err(CODES[reason], `message dropped: ${reason}`);
    remove(e);
    settle(e, error);
    onDrop(e, reason, error);
  };
  /** One timer, for the earliest expiry; `Infinity` disarms it. */
  const arm = (at: number) => {
    clock.clearTimeout(timer);
    timerAt = at;
    if (at < Infinity) timer = clock.setTimeout(expire, Math.max(0, at - clock.now()));
  };
  const expire = () => {
    const now = clock.now();
    items.filter((e) => e.expires <= now).forEach((e) => drop(e, 'expired'));
    arm(items.reduce((at, e) => Math.min(at, e.expires), Infinity));
  };
  return {
    get size() {
      return items.length;
    },
    get bytes() {
      return total;
    },
    toArray: () => items.map((e) => e.message),
    clear() {
      items.slice().forEach((e) => drop(e, 'cleared'));
      arm(Infinity);
    },
    push(e) {
      const fits = () => items.length < maxCount && total + e.bytes <= maxBytes;
      if (!fits() && (overflow !== 'drop-oldest' || e.bytes > maxBytes || maxCount < 1)) {
        const error = err('ERR_QUEUE_FULL', `queue full (${items.length} messages, ${total} bytes)`);
        if (overflow === 'error') settle(e, error);
        else drop(e, 'overflow');
        return error;
      }
      while (!fits()) drop(items[0]!, 'overflow');
      items.push(e);
      total += e.bytes;
      if (e.expires < timerAt) arm(e.expires);
      return undefined;
    },
    flush(write) {
      expire();
      while (items.length && write(items[0]!)) total -= items.shift()!.bytes;
      if (!items.length) arm(Infinity);
    },
    remove,
  };
}
