// Joining and copying byte pieces, in memory from the connection's allocator. The receive side
// copies only what it keeps of a chunk the caller writes over, so these run on its hot path.
import { defaultAllocator, type Allocator } from './frame-encoder';

/** Joins pieces into one buffer from `alloc` (every byte is written: an unzeroed buffer is fine). */
export function concat(pieces: Uint8Array[], length: number, alloc: Allocator = defaultAllocator): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = alloc(length);
  writePieces(out, pieces);
  return out;
}

/** Writes pieces one after another from the start of `target`, which has room for them all. */
export function writePieces(target: Uint8Array, pieces: readonly Uint8Array[]): void {
  let offset = 0;
  for (const p of pieces) {
    target.set(p, offset);
    offset += p.length;
  }
}

/** A copy of `data` in memory from `alloc`. */
export function copyBytes(data: Uint8Array, alloc: Allocator | undefined): Uint8Array {
  const n = data.length;
  const out = (alloc ?? defaultAllocator)(n);
  // A few bytes copy faster by hand than through a call to `set`.
  if (n <= 64) for (let i = 0; i < n; i++) out[i] = data[i]!;
  else out.set(data);
  return out;
}
