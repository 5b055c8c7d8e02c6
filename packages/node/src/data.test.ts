import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeTextFrame, Opcode } from '@tether/protocol';
import { binaryMessage, decodeUtf8, encodeUtf8, encodeUtf8Into, outgoing, utf8ByteLength } from './data';

describe('decodeUtf8', () => {
  it('decodes large ASCII, large mixed text and pieces cut inside characters', () => {
    const ascii = 'a'.repeat(200_000);
    expect(decodeUtf8(Buffer.from(ascii))).toBe(ascii);
    // Four-byte characters straddle every 64 KiB boundary at some offset.
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const text = prefix + '😀é€'.repeat(30_000);
      expect(decodeUtf8(Buffer.from(text))).toBe(text);
    }
  });

  it('agrees with Buffer#toString on any valid text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 400 }), (piece, times) => {
        const text = piece.repeat(times);
        expect(decodeUtf8(new Uint8Array(Buffer.from(text)))).toBe(text);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the UTF-8 routines the core writes text frames with', () => {
  const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
  const alloc = (size: number) => Buffer.allocUnsafe(size);
  const te = new TextEncoder();

  it('count and write exactly what TextEncoder does, lone surrogates as U+FFFD', () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 400 }), fc.nat(7), (units, offset) => {
        const text = String.fromCharCode(...units);
        const expected = te.encode(text);
        expect(utf8ByteLength(text)).toBe(expected.length);
        const target = Buffer.alloc(offset + expected.length);
        expect(encodeUtf8Into(text, target, offset)).toBe(expected.length);
        expect(target.subarray(offset).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('make the same frames as Buffer.from and a copy, through Buffer.allocUnsafe, at every length encoding', () => {
    for (const text of ['', 'hi', '\ud800', 'é😀\udc00'.repeat(30), 'a'.repeat(125), '€' + 'a'.repeat(123), 'a'.repeat(65535), '😀'.repeat(16384), 'a€😀'.repeat(100_000)]) {
      const options = { fin: true, rsv1: false, maskKey: key, alloc };
      const direct = encodeTextFrame(text, utf8ByteLength(text), { ...options, encodeInto: encodeUtf8Into });
      expect(Buffer.compare(direct, encodeFrame(Opcode.Text, encodeUtf8(text), options))).toBe(0);
    }
  });
});

describe('binaryMessage', () => {
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5]);
  const view = backing.subarray(2, 5);

  it('gives a Buffer over the same memory for nodebuffer', () => {
    const out = binaryMessage(view, 'nodebuffer') as Buffer;
    expect(Buffer.isBuffer(out) && out.buffer === backing.buffer && [...out]).toEqual([2, 3, 4]);
  });

  it('gives an ArrayBuffer of exactly the message for arraybuffer', () => {
    expect([...new Uint8Array(binaryMessage(view, 'arraybuffer') as ArrayBuffer)]).toEqual([2, 3, 4]);
    expect(binaryMessage(backing, 'arraybuffer')).toBe(backing.buffer);
  });

  it('gives a Blob for blob', async () => {
    const blob = binaryMessage(view, 'blob') as Blob;
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([2, 3, 4]);
  });
});

describe('outgoing', () => {
  it('sizes text in UTF-8 bytes and binary by its view', () => {
    expect(outgoing('é€')).toEqual({ text: true, data: 'é€', size: 5 });
    const bytes = new Uint16Array([1, 2, 3]);
    expect(outgoing(bytes).size).toBe(6);
    expect(outgoing(new DataView(bytes.buffer, 2)).size).toBe(4);
    expect(outgoing(bytes.buffer).size).toBe(6);
    expect(outgoing(new Blob(['abc'])).size).toBe(3);
    expect(outgoing(12)).toEqual({ text: true, data: '12', size: 2 });
  });
});
