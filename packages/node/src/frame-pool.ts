// Memory for large outgoing frames, used again once the socket has written a frame out. A fresh
// buffer of a megabyte or more costs the operating system a page fault and a page of zeros per
// 4 KiB before a byte of it is masked; a buffer that was just written out costs nothing of the
// kind. Every connection of the process shares the pool, which is small, bounded and emptied
// after a second without use, so memory that was needed for a burst of large messages is given
// back.

/** Frames smaller than this come from Node's own allocator (its pool serves the smallest). */
export const POOLED_MIN = 64 * 1024;
/** What the pool may hold at once. */
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_BUFFERS = 16;
/** The pool is emptied once it has not been used for this long. */
const IDLE_MS = 1000;

const free: ArrayBuffer[] = [];
let held = 0;
let timer: NodeJS.Timeout | undefined;
let used = false;

/** Keeps the pool while it is in use; empties it after an idle period (the timer never keeps the process alive). */
function touch(): void {
  used = true;
  if (timer !== undefined) return;
  timer = setInterval(() => {
    if (used) {
      used = false;
      return;
    }
    empty();
  }, IDLE_MS);
  timer.unref();
}

/** Lets go of every pooled buffer and of the idle timer. */
function empty(): void {
  free.length = 0;
  held = 0;
  clearInterval(timer);
  timer = undefined;
}

/**
 * A buffer of `size` bytes for an outgoing frame (or for anything else: a buffer handed out is
 * never taken back unless `releaseFrames` is called with it). Reuses a free buffer of at least `size`
 * and less than twice that, so that little of it is wasted.
 */
export function allocFrame(size: number): Uint8Array {
  if (size >= POOLED_MIN) {
    for (let i = free.length - 1; i >= 0; i--) {
      const buffer = free[i]!;
      if (buffer.byteLength < size || buffer.byteLength >= size * 2) continue;
      free[i] = free[free.length - 1]!;
      free.pop();
      held -= buffer.byteLength;
      touch();
      return Buffer.from(buffer, 0, size);
    }
  }
  return Buffer.allocUnsafe(size);
}

/**
 * Gives the memory of frames back to the pool. Call it only once the socket has written them (its
 * write callback, without an error), and only with frames `allocFrame` made: nothing else may
 * still look at them.
 */
export function releaseFrames(frames: readonly Uint8Array[]): void {
  for (const frame of frames) {
    const buffer = frame.buffer as ArrayBuffer;
    const n = buffer.byteLength;
    if (n < POOLED_MIN || held + n > MAX_BYTES || free.length >= MAX_BUFFERS) continue;
    free.push(buffer);
    held += n;
    touch();
  }
}

/** @internal For tests: what the pool holds now. */
export function pooled(): { buffers: number; bytes: number } {
  return { buffers: free.length, bytes: held };
}

/** @internal For tests: starts from an empty pool. */
export const emptyPool = empty;
