export { WEBSOCKET_GUID, Opcode, CloseCode, ReadyState, DEFAULTS, isValidCloseCode, isControlOpcode } from './constants';
export { ErrorCode, TetherError, ProtocolError, HandshakeError } from './errors';
export { sha1 } from './sha1';
export { base64Encode } from './base64';
export {
  generateKey,
  computeAccept,
  parseWebSocketUrl,
  normalizeProtocols,
  buildHandshakeRequest,
  validateHandshakeResponse,
} from './handshake';
export type {
  WebSocketTarget,
  ExtensionOffer,
  HeaderInit,
  HandshakeRequestOptions,
  HandshakeRequest,
  HandshakeResult,
} from './handshake';
export { HttpResponseParser } from './http-response';
export type { HttpResponse, HttpResponseLimits } from './http-response';
export { isToken, parseExtensions } from './tokens';
export type { ExtensionElement } from './tokens';
export { ClientConnection } from './connection';
export type { ConnectionEvent, ConnectionHandler, ConnectionOptions, FrameInfo, HandshakeInfo, Utf8Routines } from './connection';
export { FrameParser } from './frame-parser';
export type { FrameHeader, FrameSink } from './frame-parser';
export { encodeFrame, encodeTextFrame, utf8Length, defaultAllocator, defaultEncodeInto, randomMaskKey } from './frame-encoder';
export type { Allocator, MaskKeyGenerator, FrameOptions, TextFrameOptions, Utf8Writer } from './frame-encoder';
export { maskInPlace } from './mask';
export { Utf8Validator, isValidUtf8 } from './utf8';
export { parseClosePayload, encodeClosePayload, MAX_CLOSE_REASON_BYTES } from './close';
export type { CloseInfo } from './close';
export { perMessageDeflateOffer, PERMESSAGE_DEFLATE } from './permessage-deflate';
export type { PerMessageDeflateOptions, PerMessageDeflateAgreement } from './permessage-deflate';
