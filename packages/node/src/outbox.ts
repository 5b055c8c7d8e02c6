import { ErrorCode, TetherError } from '@tether/protocol';
import { encodeUtf8, type OutgoingMessage } from './data';
import type { Compressor } from './deflate';

// The send queue. zlib compresses asynchronously and a Blob is read asynchronously, yet messages
// must leave in the order `send` was called, and a `close()` must follow the messages sent before
// it. A message that needs neither goes out at once when nothing waits ahead of it.

/** A message ready for the wire: the bytes (compressed or not) or the text, and its size for `bufferedAmount`. */
export interface ReadyMessage {
  readonly text: boolean;
  readonly data: string | Uint8Array;
  /** Bytes before compression; for text, its exact UTF-8 length, from which the core writes the frame header. */
  readonly size: number;
}

export interface OutboxSink {
  /** Sends one message through the protocol core now. */
  transmit(message: ReadyMessage, compressed: boolean): void;
  /** Compressing or reading a Blob failed: the connection fails. */
  fail(error: TetherError): void;
}

type Entry = OutgoingMessage | { readonly action: () => void };

// Every open connection has an outbox, and most never queue a message: they share this list until
// their first one (never pushed to: `push` below replaces it).
const NOTHING: Entry[] = [];

export class Outbox {
  /** Messages waiting behind a compression or a Blob; the shared empty list while none do. */
  private queue: Entry[] = NOTHING;
  private head = 0;
  private busy = false;
  private closed = false;

  constructor(
    private readonly sink: OutboxSink,
    private readonly compressor: Compressor | null,
    private readonly threshold: number,
  ) {}

  private get idle(): boolean {
    return !this.busy && this.head === this.queue.length;
  }

  private compresses(message: OutgoingMessage): boolean {
    return this.compressor !== null && this.compressor.usable && message.size >= this.threshold;
  }

  send(message: OutgoingMessage): void {
    if (this.closed) return;
    const { data } = message;
    if (this.idle && !(data instanceof Blob) && !this.compresses(message)) {
      this.sink.transmit(message as ReadyMessage, false);
      return;
    }
    // Held for later: the WHATWG send() takes a snapshot, so the caller may reuse its memory at once.
    // (A copy: Buffer#slice would only make a view.)
    if (data instanceof Uint8Array) message.data = new Uint8Array(data);
    this.push(message);
    this.pump();
  }

  /** Runs `action` once every message queued before it has been handed to the core. */
  then(action: () => void): void {
    if (this.closed) return;
    if (this.idle) {
      action();
      return;
    }
    this.push({ action });
  }

  private push(entry: Entry): void {
    if (this.queue === NOTHING) this.queue = [entry];
    else this.queue.push(entry);
  }

  /** Drops what is queued; later calls do nothing. */
  close(): void {
    this.closed = true;
    this.queue = NOTHING;
    this.head = 0;
  }

  private advance(): void {
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = NOTHING;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private pump(): void {
    while (!this.busy && !this.closed && this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if ('action' in entry) {
        this.advance();
        entry.action();
        continue;
      }
      const data = entry.data;
      if (data instanceof Blob) {
        this.wait(
          data.arrayBuffer().then((bytes) => {
            entry.data = new Uint8Array(bytes);
          }),
        );
        return;
      }
      if (this.compresses(entry)) {
        this.compress(entry, typeof data === 'string' ? encodeUtf8(data) : data);
        return;
      }
      this.advance();
      this.sink.transmit(entry as ReadyMessage, false);
    }
  }

  private wait(work: Promise<void>): void {
    this.busy = true;
    work.then(
      () => {
        this.busy = false;
        this.pump();
      },
      (cause: unknown) => {
        this.busy = false;
        if (!this.closed) this.sink.fail(new TetherError(ErrorCode.INVALID_ARGUMENT, 'a Blob passed to send() could not be read', { cause }));
      },
    );
  }

  private compress(entry: OutgoingMessage, bytes: Uint8Array): void {
    this.busy = true;
    this.compressor!.compress(bytes, (error, out) => {
      this.busy = false;
      if (this.closed) return;
      if (error !== null) {
        this.sink.fail(error);
        return;
      }
      this.advance();
      this.sink.transmit({ text: entry.text, data: out!, size: entry.size }, true);
      this.pump();
    });
  }
}
