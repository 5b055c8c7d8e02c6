/**
 * A streaming UTF-8 validator (RFC 3629 §4): fed a message piece by piece, it fails at the first
 * byte that cannot belong to valid UTF-8, so a bad text message is caught before it has arrived in
 * full (RFC 6455 §8.1). Overlong forms, surrogates (U+D800-DFFF) and code points over U+10FFFF fail.
 */
export class Utf8Validator {
  /** Continuation bytes still expected by the sequence in progress. */
  private need = 0;
  /** Bounds of the next continuation byte (narrower after E0, ED, F0, F4). */
  private lo = 0x80;
  private hi = 0xbf;

  /** True when no sequence is left open. */
  get complete(): boolean {
    return this.need === 0;
  }

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
  }

  /**
   * Validates the next piece. `bulk`, where given, validates whole runs of complete sequences faster
   * than this loop can (Node's `buffer.isUtf8`); the state machine handles the sequence boundaries.
   * @returns false at the first invalid byte
   */
  push(bytes: Uint8Array, bulk?: (bytes: Uint8Array) => boolean): boolean {
    let i = 0;
    const n = bytes.length;
    if (bulk !== undefined && n > 64) {
      // Finish the sequence left open by the previous piece, byte by byte.
      while (this.need > 0 && i < n) if (!this.step(bytes[i++]!)) return false;
      // Cut before a sequence that the piece leaves open at its end; bulk-check what lies between.
      let end = n;
      for (let back = 1; back <= 3 && n - back >= i; back++) {
        const b = bytes[n - back]!;
        if (b >= 0xc0) {
          end = n - back;
          break;
        }
        if (b < 0x80) break;
      }
      if (!bulk(bytes.subarray(i, end))) return false;
      i = end;
    }
    while (i < n) {
      if (this.need === 0) {
        i = skipAscii(bytes, i);
        if (i >= n) break;
      }
      if (!this.step(bytes[i++]!)) return false;
    }
    return true;
  }

  private step(b: number): boolean {
    if (this.need === 0) {
      if (b < 0x80) return true;
      if (b >= 0xc2 && b <= 0xdf) {
        this.need = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        if (b === 0xe0) this.lo = 0xa0; // no overlong 3-byte forms
        else if (b === 0xed) this.hi = 0x9f; // no surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        if (b === 0xf0) this.lo = 0x90; // no overlong 4-byte forms
        else if (b === 0xf4) this.hi = 0x8f; // nothing above U+10FFFF
      } else {
        return false;
      }
      return true;
    }
    if (b < this.lo || b > this.hi) return false;
    this.lo = 0x80;
    this.hi = 0xbf;
    this.need--;
    return true;
  }
}

/** The index of the first byte at or after `i` that is not ASCII, reading aligned 4-byte words where it can. */
function skipAscii(bytes: Uint8Array, i: number): number {
  const n = bytes.length;
  while (i < n && ((bytes.byteOffset + i) & 3) !== 0) {
    if (bytes[i]! >= 0x80) return i;
    i++;
  }
  if (n - i >= 128) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset + i, (n - i) >>> 2);
    let w = 0;
    const end = words.length;
    while (w < end && (words[w]! & 0x80808080) === 0) w++;
    i += w << 2;
  }
  while (i < n && bytes[i]! < 0x80) i++;
  return i;
}

/** Whether a complete byte string is valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.push(bytes) && v.complete;
}
