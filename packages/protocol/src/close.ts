import { CloseCode, isValidCloseCode } from './constants';
import { ErrorCode, ProtocolError, TetherError } from './errors';
import { textDecoder, textEncoder } from './runtime';
import { isValidUtf8 } from './utf8';

/** The content of a close frame (RFC 6455 §5.5.1). */
export interface CloseInfo {
  /** The status code; 1005 (NoStatus) when the frame had none. */
  readonly code: number;
  readonly reason: string;
}

/** A close reason must fit a control frame: 125 bytes less the 2-byte code (§5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Reads a received close frame's payload, or returns the error the connection must fail with:
 * a 1-byte payload or a code that may not be sent (1002), or a reason that is not UTF-8 (1007).
 */
export function parseClosePayload(payload: Uint8Array): CloseInfo | ProtocolError {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (payload.length === 1) {
    return new ProtocolError(ErrorCode.INVALID_CLOSE_PAYLOAD, CloseCode.ProtocolError, 'a close frame with a 1-byte payload');
  }
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidCloseCode(code)) {
    return new ProtocolError(ErrorCode.INVALID_CLOSE_CODE, CloseCode.ProtocolError, `close code ${code} may not be sent`);
  }
  const reasonBytes = payload.subarray(2);
  if (!isValidUtf8(reasonBytes)) {
    return new ProtocolError(ErrorCode.INVALID_UTF8, CloseCode.InvalidPayload, 'the close reason is not valid UTF-8');
  }
  return { code, reason: textDecoder.decode(reasonBytes) };
}

/**
 * Checks what a caller passed to `close()`, as the WHATWG `close()` does: a code of 1000 or
 * 3000-4999 (and, for a library, any code valid on the wire), a reason of at most 123 UTF-8 bytes.
 * @throws TetherError ERR_INVALID_ARGUMENT
 */
export function encodeClosePayload(code: number | undefined, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '') throw new TetherError(ErrorCode.INVALID_ARGUMENT, 'a close reason needs a close code');
    return new Uint8Array(0);
  }
  if (!isValidCloseCode(code)) throw new TetherError(ErrorCode.INVALID_ARGUMENT, `close code ${code} may not be sent`);
  const encoded = textEncoder.encode(reason);
  if (encoded.length > MAX_CLOSE_REASON_BYTES) {
    throw new TetherError(ErrorCode.INVALID_ARGUMENT, `the close reason is ${encoded.length} bytes; at most ${MAX_CLOSE_REASON_BYTES} fit`);
  }
  const payload = new Uint8Array(2 + encoded.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(encoded, 2);
  return payload;
}
