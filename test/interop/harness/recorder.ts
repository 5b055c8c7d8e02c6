import { WebSocket, type CloseEvent, type ErrorEvent, type MessageEvent, type TetherError, type WebSocketOptions } from '@tether/node';
import { deferred, within, type Deferred } from './deadline';

// A @tether/node WebSocket with everything it dispatches written down, and promises for "the next
// message", "the next pong", "the close". A wait for a message fails at once when the socket closes
// first, and every wait has a deadline, so no test can hang on a socket.

export type Payload = string | Buffer;

interface Queue<T> {
  readonly items: T[];
  readonly waiters: Array<Deferred<T>>;
}

/** Generous bound for a step on loopback: a guard against a hang, never a timing assertion. */
export const STEP_MS = 10_000;

export class Recorder {
  readonly socket: WebSocket;
  /** Event types in the order they were dispatched: "open", "message", "error", "close", ... */
  readonly log: string[] = [];
  readonly errors: TetherError[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  private closeEvent: CloseEvent | undefined;
  private readonly queues = new Map<string, Queue<Payload>>();

  constructor(url: string, options: WebSocketOptions = {}, protocols?: string | string[]) {
    // An empty environment unless the test gives one: the machine's HTTP_PROXY must not interfere.
    const settled: WebSocketOptions = { env: {}, ...options };
    this.socket = protocols === undefined ? new WebSocket(url, settled) : new WebSocket(url, protocols, settled);
    const opened = deferred<void>();
    const closed = deferred<CloseEvent>();
    this.opened = opened.promise;
    this.closed = closed.promise;
    this.socket.addEventListener('open', () => {
      this.log.push('open');
      opened.resolve();
    });
    this.socket.addEventListener('message', (event: MessageEvent) => {
      this.log.push('message');
      this.push('message', event.data as Payload);
    });
    this.socket.addEventListener('ping', (event: MessageEvent<Buffer>) => {
      this.log.push('ping');
      this.push('ping', Buffer.from(event.data));
    });
    this.socket.addEventListener('pong', (event: MessageEvent<Buffer>) => {
      this.log.push('pong');
      this.push('pong', Buffer.from(event.data));
    });
    this.socket.addEventListener('error', (event: ErrorEvent) => {
      this.log.push('error');
      this.errors.push(event.error);
    });
    this.socket.addEventListener('close', (event: CloseEvent) => {
      this.log.push('close');
      this.closeEvent = event;
      const why = new Error(`the socket closed (code ${event.code}, error ${event.error?.code ?? 'none'}) first`);
      opened.reject(why);
      for (const queue of this.queues.values()) for (const waiter of queue.waiters.splice(0)) waiter.reject(why);
      closed.resolve(event);
    });
  }

  private queue(type: string): Queue<Payload> {
    let queue = this.queues.get(type);
    if (queue === undefined) {
      queue = { items: [], waiters: [] };
      this.queues.set(type, queue);
    }
    return queue;
  }

  private push(type: string, item: Payload): void {
    const queue = this.queue(type);
    const waiter = queue.waiters.shift();
    if (waiter !== undefined) waiter.resolve(item);
    else queue.items.push(item);
  }

  private take(type: string, ms: number): Promise<Payload> {
    const queue = this.queue(type);
    if (queue.items.length > 0) return Promise.resolve(queue.items.shift()!);
    if (this.closeEvent !== undefined) return Promise.reject(new Error(`the socket closed (code ${this.closeEvent.code}) before a ${type}`));
    const waiter = deferred<Payload>();
    queue.waiters.push(waiter);
    return within(waiter.promise, ms, `a ${type} event`);
  }

  /** The next message: a string for text, a Buffer for binary (binaryType "nodebuffer"). */
  message(ms = STEP_MS): Promise<Payload> {
    return this.take('message', ms);
  }

  async pong(ms = STEP_MS): Promise<Buffer> {
    return (await this.take('pong', ms)) as Buffer;
  }

  async ping(ms = STEP_MS): Promise<Buffer> {
    return (await this.take('ping', ms)) as Buffer;
  }

  /** Messages received and not taken yet. */
  pending(type = 'message'): readonly Payload[] {
    return this.queue(type).items;
  }

  waitOpen(ms = STEP_MS): Promise<void> {
    return within(this.opened, ms, 'the open event');
  }

  waitClose(ms = STEP_MS): Promise<CloseEvent> {
    return within(this.closed, ms, 'the close event');
  }

  /** Closes (if still open) and waits for the close event; for `afterEach` clean-up. */
  async dispose(): Promise<void> {
    if (this.closeEvent !== undefined) return;
    this.socket.terminate();
    await within(this.closed, STEP_MS, 'the close event after terminate()');
  }
}

/** Opens a socket and waits for `open`. */
export async function connect(url: string, options: WebSocketOptions = {}, protocols?: string | string[]): Promise<Recorder> {
  const recorder = new Recorder(url, options, protocols);
  await recorder.waitOpen();
  return recorder;
}
