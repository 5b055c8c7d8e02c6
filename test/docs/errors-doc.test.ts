import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/protocol';

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  it('documents every error code in the catalogue', () => {
    const missing = Object.values(ErrorCode).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
  it('documents no code that the catalogue does not have', () => {
    const codes = new Set<string>(Object.values(ErrorCode));
    const documented = [...doc.matchAll(/`(ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]!);
    expect(documented.filter((code) => !codes.has(code))).toEqual([]);
  });
});
