import { describe, expect, it } from 'vitest';
import { Opcode } from './constants';
import { encodeFrame, randomMaskKey } from './frame-encoder';
import { FIXED_MASK, readClientFrame, toHex } from './test-utils';
import { textEncoder } from './runtime';

const hello = textEncoder.encode('Hello');

describe('RFC 6455 §5.7: frames as written', () => {
  it('encodes an unmasked text frame "Hello"', () => {
    expect(toHex(encodeFrame(Opcode.Text, hello, { fin: true, rsv1: false, maskKey: null }))).toBe('81 05 48 65 6c 6c 6f');
  });

  it('encodes a masked text frame "Hello"', () => {
    expect(toHex(encodeFrame(Opcode.Text, hello, { fin: true, rsv1: false, maskKey: FIXED_MASK }))).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
  });

  it('encodes a fragmented unmasked text message', () => {
    const first = encodeFrame(Opcode.Text, textEncoder.encode('Hel'), { fin: false, rsv1: false, maskKey: null });
    const second = encodeFrame(Opcode.Continuation, textEncoder.encode('lo'), { fin: true, rsv1: false, maskKey: null });
    expect(toHex(first)).toBe('01 03 48 65 6c');
    expect(toHex(second)).toBe('80 02 6c 6f');
  });

  it('encodes an unmasked ping and a masked pong', () => {
    expect(toHex(encodeFrame(Opcode.Ping, hello, { fin: true, rsv1: false, maskKey: null }))).toBe('89 05 48 65 6c 6c 6f');
    expect(toHex(encodeFrame(Opcode.Pong, hello, { fin: true, rsv1: false, maskKey: FIXED_MASK }))).toBe('8a 85 37 fa 21 3d 7f 9f 4d 51 58');
  });

  it('uses the 16-bit length for 256 bytes and the 64-bit length for 64 KiB', () => {
    const f256 = encodeFrame(Opcode.Binary, new Uint8Array(256), { fin: true, rsv1: false, maskKey: null });
    expect(toHex(f256.subarray(0, 4))).toBe('82 7e 01 00');
    expect(f256).toHaveLength(260);
    const f64k = encodeFrame(Opcode.Binary, new Uint8Array(65536), { fin: true, rsv1: false, maskKey: null });
    expect(toHex(f64k.subarray(0, 10))).toBe('82 7f 00 00 00 00 00 01 00 00');
    expect(f64k).toHaveLength(65546);
  });

  it('switches length encodings exactly at 126 and 65536', () => {
    const len = (n: number) => encodeFrame(Opcode.Binary, new Uint8Array(n), { fin: true, rsv1: false, maskKey: FIXED_MASK })[1]! & 0x7f;
    expect([len(125), len(126), len(65535), len(65536)]).toEqual([125, 126, 126, 127]);
  });

  it('sets RSV1 when asked, and never changes the caller’s bytes', () => {
    const payload = new Uint8Array(1000).fill(0x55);
    const frame = encodeFrame(Opcode.Binary, payload, { fin: true, rsv1: true, maskKey: FIXED_MASK });
    expect(frame[0]).toBe(0xc2);
    expect(payload.every((b) => b === 0x55)).toBe(true);
    expect(readClientFrame(frame).payload).toEqual(payload);
  });

  it('starts the masked payload 4-byte aligned and honours the allocator', () => {
    for (const n of [64, 200, 70_000]) {
      let allocated = 0;
      const frame = encodeFrame(Opcode.Binary, new Uint8Array(n), {
        fin: true,
        rsv1: false,
        maskKey: FIXED_MASK,
        alloc: (size) => {
          allocated = size;
          return new Uint8Array(size);
        },
      });
      const headerLength = n < 126 ? 6 : n < 65536 ? 8 : 14;
      expect((frame.byteOffset + headerLength) % 4).toBe(0);
      expect(allocated - frame.length).toBeLessThan(4);
    }
  });

  it('writes small frames without padding', () => {
    for (const n of [0, 1, 5, 63]) {
      const frame = encodeFrame(Opcode.Binary, new Uint8Array(n).fill(n), { fin: true, rsv1: false, maskKey: FIXED_MASK });
      expect(frame).toHaveLength(6 + n);
      expect(readClientFrame(frame).payload).toEqual(new Uint8Array(n).fill(n));
    }
  });

  it('draws a fresh, unpredictable masking key for every frame', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 3000; i++) keys.add(toHex(randomMaskKey().slice()));
    // 3000 draws from 2^32 collide with a probability near 0.1 %; pooled keys must not repeat.
    expect(keys.size).toBeGreaterThan(2990);
  });
});
