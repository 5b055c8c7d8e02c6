import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, HandshakeError, ProtocolError, TetherError } from '@tether/protocol';
import { ExitCode, exitCodeFor } from './exit-codes';

describe('exitCodeFor', () => {
  it('is 0 for a clean close with 1000, 1001 or no code', () => {
    for (const code of [1000, 1001, 1005]) expect(exitCodeFor({ code, wasClean: true }, true)).toBe(ExitCode.Ok);
  });

  it('tells a clean close with an error code apart', () => {
    expect(exitCodeFor({ code: 1011, wasClean: true }, true)).toBe(ExitCode.ClosedWithError);
    expect(exitCodeFor({ code: 4001, wasClean: true }, true)).toBe(ExitCode.ClosedWithError);
  });

  it('is the handshake code for a refused or invalid handshake', () => {
    const refused = new HandshakeError(ErrorCode.HANDSHAKE_STATUS, 'no', 403, {});
    const accept = new HandshakeError(ErrorCode.ACCEPT_MISMATCH, 'bad accept', 101, {});
    expect(exitCodeFor({ code: 1006, wasClean: false, error: refused }, false)).toBe(ExitCode.HandshakeFailed);
    expect(exitCodeFor({ code: 1006, wasClean: false, error: accept }, false)).toBe(ExitCode.HandshakeFailed);
  });

  it('counts a proxy refusal, TLS and timeouts as failing to connect', () => {
    const proxy = new HandshakeError(ErrorCode.PROXY_FAILED, 'proxy said 407', 407, {});
    expect(exitCodeFor({ code: 1006, wasClean: false, error: proxy }, false)).toBe(ExitCode.ConnectFailed);
    for (const code of [ErrorCode.CONNECTION_FAILED, ErrorCode.TLS_FAILED, ErrorCode.HANDSHAKE_TIMEOUT]) {
      expect(exitCodeFor({ code: 1006, wasClean: false, error: new TetherError(code, 'x') }, false)).toBe(ExitCode.ConnectFailed);
    }
  });

  it('is the protocol code when the server broke RFC 6455', () => {
    const error = new ProtocolError(ErrorCode.INVALID_OPCODE, CloseCode.ProtocolError, 'opcode 3');
    expect(exitCodeFor({ code: 1002, wasClean: false, error }, true)).toBe(ExitCode.ProtocolError);
  });

  it('is connection lost for a drop after opening, connect failed before', () => {
    expect(exitCodeFor({ code: 1006, wasClean: false, error: new TetherError(ErrorCode.CONNECTION_LOST, 'x') }, true)).toBe(ExitCode.ConnectionLost);
    expect(exitCodeFor({ code: 4000, wasClean: false, error: new TetherError(ErrorCode.HEARTBEAT_TIMEOUT, 'x') }, true)).toBe(ExitCode.ConnectionLost);
    expect(exitCodeFor({ code: 1006, wasClean: false }, true)).toBe(ExitCode.ConnectionLost);
    expect(exitCodeFor({ code: 1006, wasClean: false }, false)).toBe(ExitCode.ConnectFailed);
  });

  it('gives every outcome its own code', () => {
    const codes = Object.values(ExitCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
