import { Opcode } from './constants';
import { maskInPlace, maskInto } from './mask';
import { randomBytes, textEncoder } from './runtime';

/** Allocates the buffer a frame is written into (Node passes `Buffer.allocUnsafe`). */
export type Allocator = (size: number) => Uint8Array;
/** Returns 4 unpredictable bytes for a masking key (RFC 6455 §5.3); tests inject a fixed one. */
export type MaskKeyGenerator = () => Uint8Array;

/** `new Uint8Array(size)`: the allocator used when a runtime gives none. */
export const defaultAllocator: Allocator = (size) => new Uint8Array(size);
/** Four bytes from the platform CSPRNG, drawn from a pooled buffer: the default masking keys. */
export const randomMaskKey: MaskKeyGenerator = () => randomBytes(4);

/**
 * Writes the UTF-8 of `text` into `target` from `offset` and returns the bytes written; `target` has
 * exactly enough room. Lone surrogates become U+FFFD (EF BF BD), as `TextEncoder` writes them. Node
 * passes `Buffer#write`; the default is `TextEncoder#encodeInto`.
 */
export type Utf8Writer = (text: string, target: Uint8Array, offset: number) => number;

/** How `encodeFrame` writes one frame. */
export interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  /** Masking key, or null for an unmasked frame (only a server sends those; tests use them). */
  maskKey: Uint8Array | null;
  alloc?: Allocator | undefined;
}

/** Below this many payload bytes a frame is masked byte by byte; the word loop does not pay off. */
const SMALL = 64;

/** Bytes of the base header plus the extended length (RFC 6455 §5.2). */
function headerLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Encodes one frame into a single buffer: header, then the payload masked as it is copied, in one
 * pass (never in the caller's bytes). The buffer is laid out so the payload starts 4-byte aligned,
 * which lets masking work a word at a time.
 */
export function encodeFrame(opcode: number, payload: Uint8Array, options: FrameOptions): Uint8Array {
  const n = payload.length;
  const key = options.maskKey;
  if (n < SMALL && key !== null) {
    // Small frames: no alignment padding and no views, the payload masked byte by byte as it is copied.
    const frame = (options.alloc ?? defaultAllocator)(6 + n);
    frame[0] = (options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
    frame[1] = 0x80 | n;
    const k0 = (frame[2] = key[0]!);
    const k1 = (frame[3] = key[1]!);
    const k2 = (frame[4] = key[2]!);
    const k3 = (frame[5] = key[3]!);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      frame[6 + i] = payload[i]! ^ k0;
      frame[7 + i] = payload[i + 1]! ^ k1;
      frame[8 + i] = payload[i + 2]! ^ k2;
      frame[9 + i] = payload[i + 3]! ^ k3;
    }
    for (; i < n; i++) frame[6 + i] = payload[i]! ^ key[i & 3]!;
    return frame;
  }
  const masked = key !== null;
  const h = headerLength(n, masked);
  const pad = (4 - (h & 3)) & 3;
  const buffer = (options.alloc ?? defaultAllocator)(pad + h + n);
  const frame = pad === 0 ? buffer : buffer.subarray(pad);
  const offset = writeHeader(frame, opcode, n, options);
  if (key !== null) {
    maskInto(payload, frame.subarray(offset), key);
  } else {
    frame.set(payload, offset);
  }
  return frame;
}

/** Writes a frame's header (RFC 6455 §5.2) with the masking key, if any; returns where the payload starts. */
function writeHeader(frame: Uint8Array, opcode: number, n: number, options: FrameOptions): number {
  frame[0] = (options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
  const key = options.maskKey;
  const maskBit = key !== null ? 0x80 : 0;
  let offset: number;
  if (n < 126) {
    frame[1] = maskBit | n;
    offset = 2;
  } else if (n < 0x10000) {
    frame[1] = maskBit | 126;
    frame[2] = n >>> 8;
    frame[3] = n & 0xff;
    offset = 4;
  } else {
    frame[1] = maskBit | 127;
    const high = Math.floor(n / 0x100000000);
    frame[2] = 0;
    frame[3] = 0;
    frame[4] = (high >>> 8) & 0xff;
    frame[5] = high & 0xff;
    frame[6] = (n >>> 24) & 0xff;
    frame[7] = (n >>> 16) & 0xff;
    frame[8] = (n >>> 8) & 0xff;
    frame[9] = n & 0xff;
    offset = 10;
  }
  if (key !== null) {
    frame[offset] = key[0]!;
    frame[offset + 1] = key[1]!;
    frame[offset + 2] = key[2]!;
    frame[offset + 3] = key[3]!;
    offset += 4;
  }
  return offset;
}

/** Options of `encodeTextFrame`: `encodeFrame`'s, and how the text's UTF-8 is written. */
export interface TextFrameOptions extends FrameOptions {
  encodeInto?: Utf8Writer | undefined;
}

/** `TextEncoder#encodeInto` at an offset: the UTF-8 writer used when a runtime gives none. */
export const defaultEncodeInto: Utf8Writer = (text, target, offset) => textEncoder.encodeInto(text, target.subarray(offset)).written;

/**
 * The length of `text` in UTF-8, counting each lone surrogate as the 3 bytes of U+FFFD (as
 * `TextEncoder` writes it): the default where a runtime gives no faster count (Node: `Buffer.byteLength`).
 */
export function utf8Length(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two code units, four bytes.
      bytes += 2;
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/**
 * Writes the UTF-8 of a short string at `offset` (lone surrogates as U+FFFD, as `TextEncoder` does)
 * and returns the bytes written: for a few characters this beats a call into the runtime's encoder.
 */
function writeUtf8Short(text: string, target: Uint8Array, offset: number): number {
  let j = offset;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      target[j++] = c;
    } else if (c < 0x800) {
      target[j++] = 0xc0 | (c >>> 6);
      target[j++] = 0x80 | (c & 0x3f);
    } else {
      if ((c & 0xf800) === 0xd800) {
        const next = c <= 0xdbff && i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if ((next & 0xfc00) === 0xdc00) {
          // A surrogate pair: one code point above U+FFFF, four bytes.
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          target[j++] = 0xf0 | (cp >>> 18);
          target[j++] = 0x80 | ((cp >>> 12) & 0x3f);
          target[j++] = 0x80 | ((cp >>> 6) & 0x3f);
          target[j++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd; // a lone surrogate
      }
      target[j++] = 0xe0 | (c >>> 12);
      target[j++] = 0x80 | ((c >>> 6) & 0x3f);
      target[j++] = 0x80 | (c & 0x3f);
    }
  }
  return j - offset;
}

/**
 * Encodes a text frame straight from a string: one buffer for header and payload, the UTF-8 written
 * into it where the payload goes and masked there (RFC 6455 §5.3), so the text is encoded once and
 * never copied. `byteLength` must be the text's exact UTF-8 length (`utf8Length`, Node's
 * `Buffer.byteLength`): the header needs it before a byte of payload is written. A length the
 * writer disagrees with is caught and the text encoded first instead, but one too small can cut a
 * long text short at a character boundary unnoticed. The frame is byte
 * for byte what `encodeFrame` writes for the encoded text, laid out the same way (a small frame
 * without padding, a larger one with its payload 4-byte aligned).
 */
export function encodeTextFrame(text: string, byteLength: number, options: TextFrameOptions): Uint8Array {
  const n = byteLength;
  const key = options.maskKey;
  if (n < SMALL && key !== null) {
    // Small frames: encoded and masked here, without calls or views.
    const frame = (options.alloc ?? defaultAllocator)(6 + n);
    frame[0] = (options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | Opcode.Text;
    frame[1] = 0x80 | n;
    const k0 = (frame[2] = key[0]!);
    const k1 = (frame[3] = key[1]!);
    const k2 = (frame[4] = key[2]!);
    const k3 = (frame[5] = key[3]!);
    if (n === text.length) {
      // ASCII (as many bytes as code units): each character masked as it is written.
      let seen = 0;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const c0 = text.charCodeAt(i);
        const c1 = text.charCodeAt(i + 1);
        const c2 = text.charCodeAt(i + 2);
        const c3 = text.charCodeAt(i + 3);
        seen |= c0 | c1 | c2 | c3;
        frame[6 + i] = c0 ^ k0;
        frame[7 + i] = c1 ^ k1;
        frame[8 + i] = c2 ^ k2;
        frame[9 + i] = c3 ^ k3;
      }
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        seen |= c;
        frame[6 + i] = c ^ key[i & 3]!;
      }
      if (seen < 0x80) return frame;
    } else if (writeUtf8Short(text, frame, 6) === n) {
      for (let i = 0; i < n; i++) frame[6 + i] = frame[6 + i]! ^ key[i & 3]!;
      return frame;
    }
    // A byte length the text disagrees with (the caller's mistake): encode first instead.
    return encodeFrame(Opcode.Text, textEncoder.encode(text), options);
  }
  const h = headerLength(n, key !== null);
  const pad = (4 - (h & 3)) & 3;
  const buffer = (options.alloc ?? defaultAllocator)(pad + h + n);
  const frame = pad === 0 ? buffer : buffer.subarray(pad);
  const offset = pad + writeHeader(frame, Opcode.Text, n, options);
  // The text's UTF-8 written once, where the payload goes: into the allocator's own buffer at an
  // offset (no view made per frame), then masked there.
  const written = (options.encodeInto ?? defaultEncodeInto)(text, buffer, offset);
  if (written !== n) return encodeFrame(Opcode.Text, textEncoder.encode(text), options);
  if (key !== null) maskInPlace(buffer.subarray(offset, offset + n), key);
  return frame;
}
