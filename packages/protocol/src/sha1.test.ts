import { describe, expect, it } from 'vitest';
import { sha1 } from './sha1';
import { textEncoder } from './runtime';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const digest = (s: string) => hex(sha1(textEncoder.encode(s)));

describe('sha1 (FIPS 180-4 test vectors)', () => {
  it('hashes the empty string', () => {
    expect(digest('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
  it('hashes "abc"', () => {
    expect(digest('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
  it('hashes the two-block message', () => {
    expect(digest('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });
  it('hashes one million "a"', () => {
    expect(digest('a'.repeat(1_000_000))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });
  it('hashes messages at every padding boundary like a reference', () => {
    // 55, 56, 63, 64 and 65 bytes straddle the length field's block boundary.
    expect(digest('a'.repeat(55))).toBe('c1c8bbdc22796e28c0e15163d20899b65621d65a');
    expect(digest('a'.repeat(56))).toBe('c2db330f6083854c99d4b5bfb6e8f29f201be699');
    expect(digest('a'.repeat(64))).toBe('0098ba824b5c16427bd7a1122a5a442a25ec644d');
  });
});
