import type { CloseCode } from './constants';

/**
 * Every error code Tether can produce, in one catalogue. Codes are stable API: match on them,
 * never on message text. `docs/errors.md` explains each one.
 */
export const ErrorCode = {
  // Handshake (the peer answered the Upgrade request wrongly)
  HANDSHAKE_STATUS: 'ERR_HANDSHAKE_STATUS',
  HANDSHAKE_REDIRECT: 'ERR_HANDSHAKE_REDIRECT',
  UPGRADE_HEADER: 'ERR_UPGRADE_HEADER',
  CONNECTION_HEADER: 'ERR_CONNECTION_HEADER',
  ACCEPT_MISSING: 'ERR_ACCEPT_MISSING',
  ACCEPT_MISMATCH: 'ERR_ACCEPT_MISMATCH',
  SUBPROTOCOL_UNSOLICITED: 'ERR_SUBPROTOCOL_UNSOLICITED',
  SUBPROTOCOL_MISMATCH: 'ERR_SUBPROTOCOL_MISMATCH',
  EXTENSION_UNSOLICITED: 'ERR_EXTENSION_UNSOLICITED',
  EXTENSION_PARAMS: 'ERR_EXTENSION_PARAMS',
  HTTP_MALFORMED: 'ERR_HTTP_MALFORMED',
  HTTP_HEADERS_TOO_LARGE: 'ERR_HTTP_HEADERS_TOO_LARGE',
  HTTP_TOO_MANY_HEADERS: 'ERR_HTTP_TOO_MANY_HEADERS',
  // Framing (the peer broke RFC 6455 after the handshake)
  RESERVED_BITS: 'ERR_RESERVED_BITS',
  INVALID_OPCODE: 'ERR_INVALID_OPCODE',
  CONTROL_TOO_LONG: 'ERR_CONTROL_TOO_LONG',
  CONTROL_FRAGMENTED: 'ERR_CONTROL_FRAGMENTED',
  MASKED_FRAME: 'ERR_MASKED_FRAME',
  UNEXPECTED_CONTINUATION: 'ERR_UNEXPECTED_CONTINUATION',
  EXPECTED_CONTINUATION: 'ERR_EXPECTED_CONTINUATION',
  INVALID_LENGTH: 'ERR_INVALID_LENGTH',
  INVALID_CLOSE_PAYLOAD: 'ERR_INVALID_CLOSE_PAYLOAD',
  INVALID_CLOSE_CODE: 'ERR_INVALID_CLOSE_CODE',
  INVALID_UTF8: 'ERR_INVALID_UTF8',
  PAYLOAD_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  DATA_AFTER_CLOSE: 'ERR_DATA_AFTER_CLOSE',
  EXTENSION_FAILED: 'ERR_EXTENSION_FAILED',
  // Caller misuse (thrown synchronously)
  INVALID_HEADER: 'ERR_INVALID_HEADER',
  INVALID_URL: 'ERR_INVALID_URL',
  INVALID_PROTOCOL: 'ERR_INVALID_PROTOCOL',
  INVALID_STATE: 'ERR_INVALID_STATE',
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  // Transport and client
  CONNECTION_LOST: 'ERR_CONNECTION_LOST',
  CONNECTION_FAILED: 'ERR_CONNECTION_FAILED',
  HANDSHAKE_TIMEOUT: 'ERR_HANDSHAKE_TIMEOUT',
  CLOSE_TIMEOUT: 'ERR_CLOSE_TIMEOUT',
  TLS_FAILED: 'ERR_TLS_FAILED',
  PROXY_FAILED: 'ERR_PROXY_FAILED',
  TOO_MANY_REDIRECTS: 'ERR_TOO_MANY_REDIRECTS',
  ABORTED: 'ERR_ABORTED',
  HEARTBEAT_TIMEOUT: 'ERR_HEARTBEAT_TIMEOUT',
  DECODE_FAILED: 'ERR_DECODE_FAILED',
  VALIDATION_FAILED: 'ERR_VALIDATION_FAILED',
  QUEUE_FULL: 'ERR_QUEUE_FULL',
  MESSAGE_EXPIRED: 'ERR_MESSAGE_EXPIRED',
  REQUEST_TIMEOUT: 'ERR_REQUEST_TIMEOUT',
  CLOSED: 'ERR_CLOSED',
  /** A listener of a client event threw; the client carried on (`cause` holds the throw). */
  LISTENER_FAILED: 'ERR_LISTENER_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BRAND = Symbol.for('tether.error');
const PROTOCOL_BRAND = Symbol.for('tether.error.protocol');
const HANDSHAKE_BRAND = Symbol.for('tether.error.handshake');

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * The base of every error Tether produces. `instanceof` is answered by a `Symbol.for` brand,
 * so it holds even when the ESM and the CJS builds are both loaded.
 */
export class TetherError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  override get name(): string {
    return 'TetherError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, BRAND);
  }
}

/** The peer broke RFC 6455; the connection is failed with `closeCode`. */
export class ProtocolError extends TetherError {
  readonly closeCode: CloseCode;

  constructor(code: ErrorCode, closeCode: CloseCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.closeCode = closeCode;
    Object.defineProperty(this, PROTOCOL_BRAND, { value: true });
  }

  override get name(): string {
    return 'ProtocolError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, PROTOCOL_BRAND);
  }
}

/** The server's answer to the Upgrade request was not an acceptable `101 Switching Protocols`. */
export class HandshakeError extends TetherError {
  /** HTTP status received, or 0 when none was (a malformed or missing response). */
  readonly status: number;
  /** Response headers received, names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    status = 0,
    headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.status = status;
    this.headers = headers;
    Object.defineProperty(this, HANDSHAKE_BRAND, { value: true });
  }

  override get name(): string {
    return 'HandshakeError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, HANDSHAKE_BRAND);
  }
}
