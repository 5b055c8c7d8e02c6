import { computeAccept, type HandshakeError, type HandshakeInfo, type HandshakeRequest } from '@tether/protocol';

// The `handshake` view: what the opening handshake sent and received, for learning and debugging.

/** The `Sec-WebSocket-Extensions` value the server sent, for the WHATWG `extensions` attribute. */
export function extensionsHeader(info: HandshakeInfo): string {
  return info.responseHeaders
    .filter(([name]) => name.toLowerCase() === 'sec-websocket-extensions')
    .map(([, value]) => value.trim())
    .join(', ');
}

/** The view of a handshake the server refused: the request as sent, the answer as received. */
export function refusedHandshake(request: HandshakeRequest, error: HandshakeError): HandshakeInfo {
  return {
    url: request.target.href,
    key: request.key,
    requestHeaders: request.headers,
    status: error.status,
    statusText: '',
    responseHeaders: Object.entries(error.headers),
    expectedAccept: computeAccept(request.key),
    receivedAccept: error.headers['sec-websocket-accept'] ?? '',
  };
}
