import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Opcode } from './constants';
import { encodeFrame, encodeTextFrame, randomMaskKey, utf8Length, type TextFrameOptions } from './frame-encoder';
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

describe('text frames written straight from the string', () => {
  /** The frame as it was written before: the text encoded by TextEncoder, then framed. */
  const reference = (text: string, options: TextFrameOptions) => encodeFrame(Opcode.Text, textEncoder.encode(text), options);
  const direct = (text: string, options: TextFrameOptions) => encodeTextFrame(text, utf8Length(text), options);
  // A writer that is not TextEncoder#encodeInto, as a runtime injects one (Node: Buffer#write).
  const viaEncode = (text: string, target: Uint8Array, offset: number) => {
    const bytes = textEncoder.encode(text);
    target.set(bytes, offset);
    return bytes.length;
  };
  const masks = [FIXED_MASK, null];

  const samples: Array<[string, string]> = [
    ['empty', ''],
    ['ASCII', 'Hello, world'],
    ['two-byte', 'héllo wörld ñ'],
    ['three-byte', '€ 中文 ＡＢＣ'],
    ['emoji (surrogate pairs)', '😀 👍🏽 🏳️‍🌈 𝄞'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a high surrogate at the end', 'abc\ud83d'],
    ['a reversed pair', '\ude00\ud83d'],
    ['two high surrogates then a low', '\ud83d\ud83d\ude00'],
    ['U+FFFD and U+FFFF', '\ufffd\uffff'],
    ['a NUL and controls', '\u0000\u0001\u007f\u0080'],
  ];

  it.each(samples)('writes the same bytes as encode-then-copy: %s', (_, text) => {
    for (const maskKey of masks) {
      const expected = reference(text, { fin: true, rsv1: false, maskKey });
      expect(toHex(direct(text, { fin: true, rsv1: false, maskKey }))).toBe(toHex(expected));
      expect(toHex(direct(text, { fin: true, rsv1: false, maskKey, encodeInto: viaEncode }))).toBe(toHex(expected));
      // Long enough to leave the small-frame path.
      const long = text + 'x'.repeat(100) + text;
      expect(toHex(direct(long, { fin: true, rsv1: false, maskKey }))).toBe(toHex(reference(long, { fin: true, rsv1: false, maskKey })));
    }
  });

  it('encodes lone surrogates as U+FFFD (EF BF BD), as TextEncoder does', () => {
    const frame = encodeTextFrame('\ud800', 3, { fin: true, rsv1: false, maskKey: null });
    expect(toHex(frame)).toBe('81 03 ef bf bd');
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('\ud83d\ude00')).toBe(4);
    expect(utf8Length('\ude00\ud83d')).toBe(6);
  });

  it('writes the RFC example "Hello", masked', () => {
    expect(toHex(encodeTextFrame('Hello', 5, { fin: true, rsv1: false, maskKey: FIXED_MASK }))).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
  });

  it('switches length encodings at 125/126 and 65535/65536 bytes, for ASCII and multi-byte text', () => {
    for (const bytes of [0, 1, 63, 64, 65, 125, 126, 127, 65535, 65536, 65537]) {
      // The same byte length reached with ASCII, with a 3-byte character and with a 4-byte one.
      const texts = ['a'.repeat(bytes)];
      if (bytes >= 3) texts.push('€' + 'a'.repeat(bytes - 3));
      if (bytes >= 4) texts.push('a'.repeat(bytes - 4) + '😀');
      for (const text of texts) {
        expect(utf8Length(text)).toBe(bytes);
        for (const maskKey of masks) {
          const options = { fin: true, rsv1: false, maskKey };
          const frame = direct(text, options);
          expect(frame.length, `${bytes} bytes`).toBe(reference(text, options).length);
          expect(sameBytes(frame, reference(text, options)), `${bytes} bytes`).toBe(true);
        }
      }
    }
    const len = (n: number) => direct('a'.repeat(n), { fin: true, rsv1: false, maskKey: FIXED_MASK })[1]! & 0x7f;
    expect([len(125), len(126), len(65535), len(65536)]).toEqual([125, 126, 126, 127]);
  });

  it('lays the buffer out as encodeFrame does: the payload 4-byte aligned from 64 bytes up', () => {
    for (const n of [0, 5, 63, 64, 200, 70_000]) {
      let allocated = 0;
      const alloc = (size: number) => new Uint8Array((allocated = size));
      const frame = encodeTextFrame('é'.repeat(n >> 1) + 'a'.repeat(n & 1), n, { fin: true, rsv1: false, maskKey: FIXED_MASK, alloc });
      const headerLength = n < 126 ? 6 : n < 65536 ? 8 : 14;
      expect(frame).toHaveLength(headerLength + n);
      if (n < 64) expect(allocated).toBe(frame.length);
      else expect((frame.byteOffset + headerLength) % 4).toBe(0);
    }
  });

  it('sets FIN and RSV1 as asked', () => {
    expect(encodeTextFrame('hi', 2, { fin: false, rsv1: true, maskKey: FIXED_MASK })[0]).toBe(0x41);
    expect(encodeTextFrame('hi'.repeat(50), 100, { fin: false, rsv1: false, maskKey: FIXED_MASK })[0]).toBe(0x01);
  });

  it('falls back to encoding first when the byte length given is wrong', () => {
    // Too long, or as long as the text in code units (which would pass for ASCII).
    for (const [text, wrong] of [['héllo', 5], ['héllo', 9], ['😀', 2], ['é'.repeat(100), 250], ['€'.repeat(100), 400]] as const) {
      const options = { fin: true, rsv1: false, maskKey: FIXED_MASK };
      expect(toHex(encodeTextFrame(text, wrong, options))).toBe(toHex(reference(text, options)));
    }
  });

  it('agrees with TextEncoder on any sequence of UTF-16 code units, lone surrogates included', () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 300 }), fc.boolean(), (units, masked) => {
        const text = String.fromCharCode(...units);
        const maskKey = masked ? FIXED_MASK : null;
        expect(utf8Length(text)).toBe(textEncoder.encode(text).length);
        expect(toHex(direct(text, { fin: true, rsv1: false, maskKey }))).toBe(toHex(reference(text, { fin: true, rsv1: false, maskKey })));
      }),
      { numRuns: 500 },
    );
  });
});
