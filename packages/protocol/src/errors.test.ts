import { describe, expect, it, vi } from 'vitest';
import { CloseCode } from './constants';
import { ErrorCode, HandshakeError, ProtocolError, TetherError } from './errors';

describe('the error family', () => {
  it('carries a code, a close code or status, and a cause', () => {
    const cause = new Error('root');
    const p = new ProtocolError(ErrorCode.INVALID_OPCODE, CloseCode.ProtocolError, 'bad', { cause });
    expect(p).toMatchObject({ code: 'ERR_INVALID_OPCODE', closeCode: 1002, cause, name: 'ProtocolError' });
    const h = new HandshakeError(ErrorCode.HANDSHAKE_STATUS, 'no', 503, { 'retry-after': '5' });
    expect(h).toMatchObject({ code: 'ERR_HANDSHAKE_STATUS', status: 503, headers: { 'retry-after': '5' }, name: 'HandshakeError' });
    expect(p).toBeInstanceOf(Error);
    expect(p).toBeInstanceOf(TetherError);
    expect(h).toBeInstanceOf(TetherError);
    expect(p).not.toBeInstanceOf(HandshakeError);
    expect(h).not.toBeInstanceOf(ProtocolError);
    expect(new Error('plain')).not.toBeInstanceOf(TetherError);
    expect(null).not.toBeInstanceOf(TetherError);
  });

  it('keeps instanceof working across two copies of the module (ESM and CJS loaded together)', async () => {
    vi.resetModules();
    const other = (await import(/* @vite-ignore */ `./errors?copy=${Date.now()}`)) as typeof import('./errors');
    expect(other.ProtocolError).not.toBe(ProtocolError);
    const foreign = new other.ProtocolError(ErrorCode.MASKED_FRAME, CloseCode.ProtocolError, 'x');
    expect(foreign).toBeInstanceOf(ProtocolError);
    expect(foreign).toBeInstanceOf(TetherError);
    expect(new ProtocolError(ErrorCode.MASKED_FRAME, 1002, 'x')).toBeInstanceOf(other.TetherError);
    expect(foreign).not.toBeInstanceOf(HandshakeError);
  });

  it('has one catalogue of distinct codes', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_[A-Z0-9_]+$/);
  });
});
