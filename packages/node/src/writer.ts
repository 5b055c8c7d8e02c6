import type net from 'node:net';
import { POOLED_MIN, releaseFrames } from './frame-pool';

// Writing frames to the socket: the frames of one event-loop turn go out in one system call
// (cork, then uncork on the next tick), and each message's bytes leave `bufferedAmount` only when
// the socket reports them written, so `bufferedAmount` is true and `drain` means what it says.

export class SocketWriter {
  private socket: net.Socket | null = null;
  private corked = false;
  private buffered = 0;
  private drainWanted = false;

  /** @param owner its `drain()` is called when everything is written after the socket had asked to wait */
  constructor(private readonly owner: { drain(): void }) {}

  /** Frames written from now on go to `socket` (null: nowhere, as before connecting). */
  attach(socket: net.Socket | null): void {
    this.socket = socket;
  }

  /** Bytes of messages sent and not yet written out (WHATWG `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.buffered;
  }

  /** Counts a message as buffered; it is credited back by `writeMessage` once written. */
  count(size: number): void {
    this.buffered += size;
  }

  /** Writes the frames of one message; its `size` leaves `bufferedAmount` once the last is written. */
  writeMessage(frames: readonly Uint8Array[], size: number): void {
    const last = frames.length - 1;
    for (let i = 0; i < last; i++) this.write(frames[i]!);
    if (last < 0) return;
    this.write(frames[last]!, (error) => {
      // Bytes that never left (the connection died) stay counted, as WHATWG says.
      if (error) return;
      // Written out: the memory of large frames can serve the next ones (a small message has none).
      if (size >= POOLED_MIN) releaseFrames(frames);
      this.buffered -= size;
      if (this.buffered === 0 && this.drainWanted) {
        this.drainWanted = false;
        this.owner.drain();
      }
    });
  }

  write(bytes: Uint8Array, callback?: (error?: Error | null) => void): void {
    const socket = this.socket;
    if (socket === null || socket.destroyed || !socket.writable) return;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    if (!socket.write(bytes, callback)) this.drainWanted = true;
  }
}
