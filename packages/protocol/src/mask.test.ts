import { describe, expect, it } from 'vitest';
import { maskInPlace } from './mask';

function byteMask(data: Uint8Array, key: Uint8Array): Uint8Array {
  return data.map((b, i) => b ^ key[i & 3]!);
}

describe('masking (RFC 6455 §5.3)', () => {
  const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

  it('masks the RFC example "Hello"', () => {
    const data = new TextEncoder().encode('Hello');
    maskInPlace(data, key);
    expect(Array.from(data)).toEqual([0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  });

  it('matches a byte-at-a-time reference for every length and alignment', () => {
    const backing = new Uint8Array(300);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 3, 4, 31, 32, 33, 64, 127, 200]) {
        const data = backing.slice().subarray(offset, offset + length);
        const expected = byteMask(data, key);
        maskInPlace(data, key);
        expect(Array.from(data), `offset ${offset} length ${length}`).toEqual(Array.from(expected));
      }
    }
  });

  it('unmasks when applied twice', () => {
    const data = new Uint8Array(1000).map((_, i) => i);
    const copy = data.slice();
    maskInPlace(data, key);
    expect(data).not.toEqual(copy);
    maskInPlace(data, key);
    expect(data).toEqual(copy);
  });
});
