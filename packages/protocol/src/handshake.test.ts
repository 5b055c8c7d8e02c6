import { describe, expect, it } from 'vitest';
import { computeAccept, generateKey } from './handshake';

describe('RFC 6455 §1.3: key and accept', () => {
  it('computes the RFC example', () => {
    expect(computeAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
  it('generates 16 random bytes, base64-encoded, different each time', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(a).not.toBe(b);
  });
});
