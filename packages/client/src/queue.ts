import { TetherError } from '@tether/protocol';
import type { Clock } from './clock';
import { byteLength } from './codec';
import type { DropReason, QueueOptions, RawData, SendResult } from './types';

/** One outgoing message: kept encoded, so its size is known and it is encoded once. */
export interface Entry<Out> {
  readonly message: Out;
  readonly data: RawData;
  readonly bytes: number;
  readonly expires: number;
  /** Undefined while pending; null once written; the error once given up. */
  outcome?: TetherError | null;
  waiters?: Array<(error: TetherError | null) => void> | undefined;
  /** Called once written (requests use it to learn which connection carried them). */
  onWrite?: () => void;
}

export function entry<Out>(message: Out, data: RawData, expires: number): Entry<Out> {
  return { message, data, bytes: byteLength(data), expires };
}

export function settle(e: Entry<unknown>, error: TetherError | null): void {
  if (e.outcome !== undefined) return;
  e.outcome = error;
  if (error === null) e.onWrite?.();
  for (const w of e.waiters ?? []) w(error);
  e.waiters = undefined;
}

/** The caller's view of what happened to an entry. */
export function sendResult(e: Entry<unknown>, status: 'sent' | 'queued' | 'rejected'): SendResult {
  const written = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error: TetherError | null) => (error ? reject(error) : resolve());
      if (e.outcome === undefined) (e.waiters ??= []).push(done);
      else done(e.outcome);
    });
  return status === 'rejected' ? { status, error: e.outcome ?? new TetherError('ERR_CLOSED', 'rejected'), written } : { status, written };
}

const CODES = { overflow: 'ERR_QUEUE_FULL', expired: 'ERR_MESSAGE_EXPIRED', cleared: 'ERR_ABORTED' } as const;

/**
 * Messages waiting for a connection, in order, bounded by count and bytes, each with an optional
 * expiry. Every message given up is reported through `onDrop` and its `written()` rejects.
 */
export class MessageQueue<Out> {
  #items: Entry<Out>[] = [];
  #total = 0;
  #timer: unknown;
  #timerAt = Infinity;

  readonly #options: Required<QueueOptions>;
  readonly #clock: Clock;
  readonly #onDrop: (e: Entry<Out>, reason: DropReason, error: TetherError) => void;

  constructor(options: Required<QueueOptions>, clock: Clock, onDrop: (e: Entry<Out>, reason: DropReason, error: TetherError) => void) {
    this.#options = options;
    this.#clock = clock;
    this.#onDrop = onDrop;
  }

  /** Messages waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** Bytes waiting, after encoding. */
  get bytes(): number {
    return this.#total;
  }

  /** The waiting messages, oldest first. */
  toArray(): Out[] {
    return this.#items.map((e) => e.message);
  }

  /** Gives up every waiting message (a `drop` event each, reason `cleared`). */
  clear(): void {
    this.#take(this.#items.length).forEach((e) => this.#drop(e, 'cleared'));
    this.#arm(Infinity);
  }

  /**
   * Adds a message, making room by the overflow policy. Returns the error when this message is
   * the one refused (`drop-newest` and `error`, or a message larger than the whole queue).
   */
  push(e: Entry<Out>): TetherError | undefined {
    const { maxCount, maxBytes, overflow } = this.#options;
    const fits = () => this.#items.length < maxCount && this.#total + e.bytes <= maxBytes;
    if (!fits() && (overflow !== 'drop-oldest' || e.bytes > maxBytes || maxCount < 1)) {
      const error = new TetherError('ERR_QUEUE_FULL', `queue full (${this.#items.length} messages, ${this.#total} bytes)`);
      if (overflow === 'error') settle(e, error);
      else this.#drop(e, 'overflow');
      return error;
    }
    while (!fits()) this.#drop(this.#take(1)[0]!, 'overflow');
    this.#items.push(e);
    this.#total += e.bytes;
    if (e.expires < this.#timerAt) this.#arm(e.expires);
    return undefined;
  }

  /** Hands the messages, oldest first, to `write` until it returns false; expired ones are dropped. */
  flush(write: (e: Entry<Out>) => boolean): void {
    this.#expire();
    while (this.#items.length && write(this.#items[0]!)) this.#take(1);
    if (!this.#items.length) this.#arm(Infinity);
  }

  /** Takes one message out without reporting it (its sender has given up on it already). */
  remove(e: Entry<Out>): void {
    const i = this.#items.indexOf(e);
    if (i >= 0) (this.#items.splice(i, 1), (this.#total -= e.bytes));
  }

  #take(n: number): Entry<Out>[] {
    const out = this.#items.splice(0, n);
    for (const e of out) this.#total -= e.bytes;
    return out;
  }

  #drop(e: Entry<Out>, reason: DropReason): void {
    const error = new TetherError(CODES[reason], `message dropped: ${reason}`);
    settle(e, error);
    this.#onDrop(e, reason, error);
  }

  #expire(): void {
    const now = this.#clock.now();
    const dead = this.#items.filter((e) => e.expires <= now);
    for (const e of dead) (this.remove(e), this.#drop(e, 'expired'));
    this.#arm(Math.min(...this.#items.map((e) => e.expires)));
  }

  /** One timer, for the earliest expiry; `Infinity` disarms it. */
  #arm(at: number): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    if (at < Infinity) this.#timer = this.#clock.setTimeout(() => this.#expire(), Math.max(0, at - this.#clock.now()));
  }
}
