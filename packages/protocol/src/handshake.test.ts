import { describe, expect, it } from 'vitest';
import { ErrorCode, HandshakeError, TetherError } from './errors';
import {
  buildHandshakeRequest,
  computeAccept,
  generateKey,
  parseWebSocketUrl,
  validateHandshakeResponse,
} from './handshake';
import { HttpResponseParser } from './http-response';
import { perMessageDeflateOffer } from './permessage-deflate';
import { textEncoder } from './runtime';
import { FIXED_KEY } from './test-utils';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof TetherError) return error.code;
    throw error;
  }
  return undefined;
}

describe('RFC 6455 §1.3: key and accept', () => {
  it('computes the RFC example', () => {
    expect(computeAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
  it('generates 16 random bytes, base64-encoded, different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, generateKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(atob(key)).toHaveLength(16);
    }
  });
});

describe('RFC 6455 §4.1: the opening handshake request', () => {
  const header = (text: string, name: string) => text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

  it('writes the request line, Host, Upgrade, Connection, key and version', () => {
    const req = buildHandshakeRequest('ws://example.com/chat?room=1', { key: FIXED_KEY });
    expect(req.text.startsWith('GET /chat?room=1 HTTP/1.1\r\n')).toBe(true);
    expect(req.text.endsWith('\r\n\r\n')).toBe(true);
    expect(header(req.text, 'Host')).toBe('Host: example.com');
    expect(header(req.text, 'Upgrade')).toBe('Upgrade: websocket');
    expect(header(req.text, 'Connection')).toBe('Connection: Upgrade');
    expect(header(req.text, 'Sec-WebSocket-Key')).toBe(`Sec-WebSocket-Key: ${FIXED_KEY}`);
    expect(header(req.text, 'Sec-WebSocket-Version')).toBe('Sec-WebSocket-Version: 13');
    expect(new TextDecoder().decode(req.bytes)).toBe(req.text);
  });

  it('puts the port in Host only when it is not the default', () => {
    expect(parseWebSocketUrl('ws://a.test:80/').host).toBe('a.test');
    expect(parseWebSocketUrl('wss://a.test:443/').host).toBe('a.test');
    expect(parseWebSocketUrl('ws://a.test:8080/').host).toBe('a.test:8080');
    expect(parseWebSocketUrl('wss://a.test:80/').host).toBe('a.test:80');
    const v6 = parseWebSocketUrl('ws://[::1]:9000');
    expect(v6).toMatchObject({ hostname: '::1', host: '[::1]:9000', port: 9000, resource: '/' });
  });

  it('maps http and https to ws and wss, and rejects other schemes and fragments', () => {
    expect(parseWebSocketUrl('https://a.test/x').secure).toBe(true);
    expect(parseWebSocketUrl('http://a.test/x').secure).toBe(false);
    expect(codeOf(() => parseWebSocketUrl('ftp://a.test/'))).toBe(ErrorCode.INVALID_URL);
    expect(codeOf(() => parseWebSocketUrl('ws://a.test/#frag'))).toBe(ErrorCode.INVALID_URL);
    expect(codeOf(() => parseWebSocketUrl('not a url'))).toBe(ErrorCode.INVALID_URL);
  });

  it('sends Origin, subprotocols and extension offers', () => {
    const req = buildHandshakeRequest('ws://a.test/', {
      origin: 'https://app.test',
      protocols: ['chat', 'superchat'],
      extensions: [perMessageDeflateOffer()],
    });
    expect(header(req.text, 'Origin')).toBe('Origin: https://app.test');
    expect(header(req.text, 'Sec-WebSocket-Protocol')).toBe('Sec-WebSocket-Protocol: chat, superchat');
    expect(header(req.text, 'Sec-WebSocket-Extensions')).toBe('Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits');
  });

  it('adds user headers and lets Host be overridden', () => {
    const req = buildHandshakeRequest('ws://a.test/', { headers: { Authorization: 'Bearer x', Host: 'b.test' } });
    expect(header(req.text, 'Authorization')).toBe('Authorization: Bearer x');
    expect(header(req.text, 'Host')).toBe('Host: b.test');
    const fromPairs = buildHandshakeRequest('ws://a.test/', { headers: [['X-A', '1'], ['X-A', '2']] });
    expect(fromPairs.text).toContain('X-A: 1\r\nX-A: 2\r\n');
  });

  it('rejects header injection and invalid names or values', () => {
    const bad: Array<Record<string, string>> = [
      { 'X-Evil': 'a\r\nInjected: 1' },
      { 'X-Evil': 'a\nb' },
      { 'X-Evil': 'nul\0' },
      { 'Bad Name': 'x' },
      { 'Bad:Name': 'x' },
      { '': 'x' },
      { 'X-Ünicode': 'x' },
    ];
    for (const headers of bad) expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { headers }))).toBe(ErrorCode.INVALID_HEADER);
    expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { origin: 'https://x\r\nEvil: 1' }))).toBe(ErrorCode.INVALID_HEADER);
  });

  it('refuses headers the handshake owns', () => {
    for (const name of ['Sec-WebSocket-Key', 'upgrade', 'Connection', 'Sec-WebSocket-Version', 'Sec-WebSocket-Extensions']) {
      expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { headers: { [name]: 'x' } }))).toBe(ErrorCode.INVALID_HEADER);
    }
  });

  it('checks subprotocols as the WHATWG constructor does', () => {
    expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { protocols: ['a b'] }))).toBe(ErrorCode.INVALID_PROTOCOL);
    expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { protocols: ['chat', 'Chat'] }))).toBe(ErrorCode.INVALID_PROTOCOL);
    expect(codeOf(() => buildHandshakeRequest('ws://a.test/', { protocols: [''] }))).toBe(ErrorCode.INVALID_PROTOCOL);
    expect(buildHandshakeRequest('ws://a.test/', { protocols: 'one' }).protocols).toEqual(['one']);
  });
});

describe('RFC 6455 §4.1: validating the server response', () => {
  const request = (options = {}) => buildHandshakeRequest('ws://a.test/', { key: FIXED_KEY, ...options });
  const parse = (text: string) => {
    const parsed = new HttpResponseParser().push(textEncoder.encode(text));
    if (!parsed) throw new Error('incomplete');
    return parsed.response;
  };
  const ok = (extra = '', accept = computeAccept(FIXED_KEY)) =>
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`;
  const failure = (text: string, options = {}) => {
    try {
      validateHandshakeResponse(request(options), parse(text));
    } catch (error) {
      if (error instanceof HandshakeError) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('accepts a valid 101 and reports the accept values', () => {
    const result = validateHandshakeResponse(request(), parse(ok()));
    expect(result).toMatchObject({ protocol: '', expectedAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', receivedAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
  });

  it('accepts Upgrade in any case and Connection as a token list', () => {
    const text = ok().replace('Upgrade: websocket', 'Upgrade: WebSocket').replace('Connection: Upgrade', 'Connection: keep-alive, UPGRADE');
    expect(() => validateHandshakeResponse(request(), parse(text))).not.toThrow();
  });

  it('rejects a status other than 101, keeping status and headers', () => {
    const error = failure('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n');
    expect(error.code).toBe(ErrorCode.HANDSHAKE_STATUS);
    expect(error.status).toBe(401);
    expect(error.headers['www-authenticate']).toBe('Bearer');
  });

  it('reports a redirect with its Location', () => {
    const error = failure('HTTP/1.1 302 Found\r\nLocation: ws://b.test/\r\n\r\n');
    expect(error.code).toBe(ErrorCode.HANDSHAKE_REDIRECT);
    expect(error.headers['location']).toBe('ws://b.test/');
  });

  it('rejects a missing or wrong Upgrade', () => {
    expect(failure(ok().replace('Upgrade: websocket\r\n', '')).code).toBe(ErrorCode.UPGRADE_HEADER);
    expect(failure(ok().replace('Upgrade: websocket', 'Upgrade: websockets')).code).toBe(ErrorCode.UPGRADE_HEADER);
  });

  it('rejects a missing or wrong Connection', () => {
    expect(failure(ok().replace('Connection: Upgrade\r\n', '')).code).toBe(ErrorCode.CONNECTION_HEADER);
    expect(failure(ok().replace('Connection: Upgrade', 'Connection: upgraded, close')).code).toBe(ErrorCode.CONNECTION_HEADER);
  });

  it('rejects a missing or wrong Accept', () => {
    expect(failure(ok().replace(/Sec-WebSocket-Accept: .*\r\n/, '')).code).toBe(ErrorCode.ACCEPT_MISSING);
    expect(failure(ok('', computeAccept('another key'))).code).toBe(ErrorCode.ACCEPT_MISMATCH);
    expect(failure(ok(`Sec-WebSocket-Accept: ${computeAccept(FIXED_KEY)}\r\n`)).code).toBe(ErrorCode.ACCEPT_MISMATCH);
  });

  it('rejects a subprotocol that was not offered', () => {
    expect(failure(ok('Sec-WebSocket-Protocol: chat\r\n')).code).toBe(ErrorCode.SUBPROTOCOL_UNSOLICITED);
    expect(failure(ok('Sec-WebSocket-Protocol: other\r\n'), { protocols: ['chat'] }).code).toBe(ErrorCode.SUBPROTOCOL_MISMATCH);
    expect(failure(ok('Sec-WebSocket-Protocol: chat, other\r\n'), { protocols: ['chat', 'other'] }).code).toBe(ErrorCode.SUBPROTOCOL_MISMATCH);
    expect(validateHandshakeResponse(request({ protocols: ['a', 'chat'] }), parse(ok('Sec-WebSocket-Protocol: chat\r\n'))).protocol).toBe('chat');
  });

  it('rejects extensions that were not offered', () => {
    expect(failure(ok('Sec-WebSocket-Extensions: permessage-deflate\r\n')).code).toBe(ErrorCode.EXTENSION_UNSOLICITED);
    const offered = { extensions: [perMessageDeflateOffer()] };
    expect(failure(ok('Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n'), offered).code).toBe(ErrorCode.EXTENSION_UNSOLICITED);
    expect(failure(ok('Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n'), offered).code).toBe(ErrorCode.EXTENSION_UNSOLICITED);
    expect(failure(ok('Sec-WebSocket-Extensions: permessage-deflate;;\r\n'), offered).code).toBe(ErrorCode.EXTENSION_PARAMS);
  });
});
