// The public shapes of a connection: its events, where its output goes, its options and the
// runtime hooks it takes. The state machine itself is in connection.ts.
import type { Allocator, MaskKeyGenerator } from './frame-encoder';
import type { HandshakeRequestOptions, HandshakeResult } from './handshake';
import type { TetherError } from './errors';

/** Everything about the opening handshake: the learning view of the protocol. */
export interface HandshakeInfo {
  readonly url: string;
  readonly key: string;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly status: number;
  readonly statusText: string;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly expectedAccept: string;
  readonly receivedAccept: string;
}

/** What a `ClientConnection` reports through `onEvent`, synchronously and in order. */
export type ConnectionEvent =
  | { readonly type: 'open'; readonly protocol: string; readonly extensions: HandshakeResult['extensions']; readonly handshake: HandshakeInfo }
  /** A complete message: a string for text, bytes for binary (a view into the received chunk where it fits in one). */
  | { readonly type: 'message'; readonly data: string | Uint8Array }
  /** A message with RSV1 set: the transport decompresses it and hands it back through `deliver`. */
  | { readonly type: 'compressed'; readonly text: boolean; readonly data: Uint8Array }
  | { readonly type: 'ping'; readonly data: Uint8Array }
  | { readonly type: 'pong'; readonly data: Uint8Array }
  | { readonly type: 'error'; readonly error: TetherError }
  /**
   * The connection is over at the protocol level: the closing handshake completed (`wasClean`), or
   * the connection failed or dropped. The transport then closes the TCP connection.
   */
  | { readonly type: 'close'; readonly code: number; readonly reason: string; readonly wasClean: boolean };

/** Where a `ClientConnection` puts its output: bytes to write and events. */
export interface ConnectionHandler {
  /** Bytes to write to the transport, in order. */
  onWrite(data: Uint8Array): void;
  onEvent(event: ConnectionEvent): void;
  /** Where given, complete messages come here instead of as `message` events (no event object each). */
  onMessage?(data: string | Uint8Array): void;
}

/** Faster UTF-8 routines a runtime may supply (Node: `buffer.isUtf8`, `Buffer#toString`, `Buffer.byteLength`, `Buffer#write`). */
export interface Utf8Routines {
  /** Validates complete UTF-8 in bulk; the core still handles sequences split across pieces. */
  validate?(bytes: Uint8Array): boolean;
  /** Decodes bytes already known to be valid UTF-8. */
  decode?(bytes: Uint8Array): string;
  /** Encodes a string to UTF-8 (for text sent in fragments). */
  encode?(text: string): Uint8Array;
  /**
   * A string's exact UTF-8 length, each lone surrogate counted as the 3 bytes of U+FFFD. Given this,
   * text is written straight into its frame instead of encoded and then copied.
   */
  byteLength?(text: string): number;
  /**
   * Writes a string's UTF-8 into `target` from `offset` (exactly enough room is left), lone
   * surrogates as U+FFFD, and returns the bytes written. The default is `TextEncoder#encodeInto`.
   */
  encodeInto?(text: string, target: Uint8Array, offset: number): number;
}

/** One frame as it went by, in either direction: for debugging and teaching (`tether --verbose`). */
export interface FrameInfo {
  readonly direction: 'in' | 'out';
  readonly opcode: number;
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly masked: boolean;
  /** Payload length as the header gives it (for outgoing compressed frames, the compressed size). */
  readonly length: number;
}

/** Options of a `ClientConnection`: the handshake's, limits, fragmentation and runtime hooks. */
export interface ConnectionOptions extends HandshakeRequestOptions {
  /**
   * Called with every frame header read (before it is checked, so a frame that breaks the protocol
   * is shown too) and every frame written. Costs nothing when not given.
   */
  onFrame?: ((frame: FrameInfo) => void) | undefined;
  /** Largest frame or message accepted; more is failed with 1009. */
  maxPayload?: number;
  maxHeaderBytes?: number;
  maxHeaderCount?: number;
  /** Split outgoing messages into frames of at most this many bytes; 0 never splits. */
  fragmentSize?: number;
  /** Allocates outgoing frame buffers (Node passes `Buffer.allocUnsafe`). */
  alloc?: Allocator;
  maskKey?: MaskKeyGenerator;
  utf8?: Utf8Routines;
}
