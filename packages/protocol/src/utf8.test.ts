import { describe, expect, it } from 'vitest';
import { Utf8Validator, isValidUtf8 } from './utf8';
import { hex } from './test-utils';
import { textEncoder } from './runtime';

const VALID = ['', 'hello', 'κόσμε', '€', '𝄞', '\u{10FFFF}', '\uFEFFbom', 'mixed ascii and é and 中文 and 😀'];
const INVALID = [
  'c0 af', // overlong '/'
  'e0 80 af', // overlong 3-byte
  'f0 80 80 af', // overlong 4-byte
  'ed a0 80', // U+D800 surrogate
  'ed bf bf', // U+DFFF surrogate
  'f4 90 80 80', // above U+10FFFF
  'f5 80 80 80',
  'ff',
  '80', // lone continuation
  'ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64', // Autobahn 6.4.x style: valid then a surrogate
  'c3 28',
];

describe('UTF-8 validation (RFC 3629)', () => {
  it('accepts valid text', () => {
    for (const s of VALID) expect(isValidUtf8(textEncoder.encode(s)), s).toBe(true);
  });

  it('rejects overlongs, surrogates, out-of-range code points and stray bytes', () => {
    for (const h of INVALID) expect(isValidUtf8(hex(h)), h).toBe(false);
  });

  it('rejects a truncated sequence at the end, but not in the middle of a stream', () => {
    const v = new Utf8Validator();
    expect(v.push(hex('e2 82'))).toBe(true);
    expect(v.complete).toBe(false);
    expect(v.push(hex('ac'))).toBe(true);
    expect(v.complete).toBe(true);
    expect(isValidUtf8(hex('e2 82'))).toBe(false);
  });

  it('fails at the first bad byte, before the rest of the message arrives', () => {
    const v = new Utf8Validator();
    expect(v.push(hex('ce ba e1 bd b9 cf 83 ce bc ce b5'))).toBe(true);
    expect(v.push(hex('f4 90'))).toBe(false);
  });

  it('agrees with the byte loop when a bulk validator handles the middle, split at every point', () => {
    const bulk = (bytes: Uint8Array) => isValidUtf8(bytes);
    const samples = [textEncoder.encode('é€𝄞a'.repeat(40)), hex('41 '.repeat(70) + 'ed a0 80'), hex('f0 9d 84 9e '.repeat(30) + 'f0 9d')];
    for (const sample of samples) {
      const expected = isValidUtf8(sample);
      for (let cut = 0; cut <= sample.length; cut += 7) {
        const v = new Utf8Validator();
        const ok = v.push(sample.subarray(0, cut), bulk) && v.push(sample.subarray(cut), bulk) && v.complete;
        expect(ok).toBe(expected);
      }
    }
  });
});
