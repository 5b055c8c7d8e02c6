import { maskInto } from './mask';
import { randomBytes } from './runtime';

/** Allocates the buffer a frame is written into (Node passes `Buffer.allocUnsafe`). */
export type Allocator = (size: number) => Uint8Array;
/** Returns 4 unpredictable bytes for a masking key (RFC 6455 §5.3); tests inject a fixed one. */
export type MaskKeyGenerator = () => Uint8Array;

/** `new Uint8Array(size)`: the allocator used when a runtime gives none. */
export const defaultAllocator: Allocator = (size) => new Uint8Array(size);
/** Four bytes from the platform CSPRNG, drawn from a pooled buffer: the default masking keys. */
export const randomMaskKey: MaskKeyGenerator = () => randomBytes(4);

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
  frame[0] = (options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
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
  if (options.maskKey !== null) {
    const key = options.maskKey;
    frame[offset] = key[0]!;
    frame[offset + 1] = key[1]!;
    frame[offset + 2] = key[2]!;
    frame[offset + 3] = key[3]!;
    offset += 4;
    maskInto(payload, frame.subarray(offset), key);
  } else {
    frame.set(payload, offset);
  }
  return frame;
}
