/** The GUID that RFC 6455 §1.3 appends to the key before hashing it into `Sec-WebSocket-Accept`. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Frame opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close codes with a meaning in RFC 6455 §7.4.1, plus the registered 1012-1014. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: never sent in a close frame; means "no code was present". */
  NoStatus: 1005,
  /** Reserved: never sent; means "the connection dropped without a close frame". */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Reserved: never sent; means "the TLS handshake failed". */
  TlsHandshake: 1015,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** States of a connection, as the WHATWG `readyState` numbers them. */
export const ReadyState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

/** Defaults of the protocol core, in one place. */
export const DEFAULTS = {
  /** Largest frame or message accepted, in bytes (after decompression where an extension applies). */
  maxPayload: 100 * 1024 * 1024,
  /** Largest HTTP response head accepted during the handshake, in bytes. */
  maxHeaderBytes: 16 * 1024,
  /** Most header lines accepted in the handshake response. */
  maxHeaderCount: 100,
  /** Outgoing messages larger than this are split into frames of this size; 0 never splits. */
  fragmentSize: 0,
} as const;

/**
 * May this code appear in a close frame on the wire? (RFC 6455 §7.4.1, §7.4.2, and the IANA registry.)
 * 1000-1003 and 1007-1014 are defined; 3000-4999 belong to libraries and applications.
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1014) return code !== 1004 && code !== 1005 && code !== 1006;
  return code >= 3000 && code <= 4999;
}

/** Control frames have the high bit of the opcode set (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}
