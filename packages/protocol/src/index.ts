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
