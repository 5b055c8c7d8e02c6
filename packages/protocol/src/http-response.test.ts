import { describe, expect, it } from 'vitest';
import { ErrorCode, HandshakeError } from './errors';
import { HttpResponseParser } from './http-response';
import { textEncoder } from './runtime';
import { concatBytes, hex } from './test-utils';

const RESPONSE = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Multi: a\r\nx-multi: b\r\n\r\n';

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HandshakeError) return error.code;
    throw error;
  }
  return 'none';
}

describe('the handshake response parser', () => {
  it('parses status, headers (names folded, repeats joined) and raw headers', () => {
    const parsed = new HttpResponseParser().push(textEncoder.encode(RESPONSE));
    expect(parsed?.response.status).toBe(101);
    expect(parsed?.response.statusText).toBe('Switching Protocols');
    expect(parsed?.response.headers).toEqual({ upgrade: 'websocket', connection: 'Upgrade', 'x-multi': 'a, b' });
    expect(parsed?.response.rawHeaders[3]).toEqual(['x-multi', 'b']);
    expect(parsed?.rest).toHaveLength(0);
  });

  it('takes the response one byte at a time', () => {
    const parser = new HttpResponseParser();
    const bytes = textEncoder.encode(RESPONSE);
    for (let i = 0; i < bytes.length - 1; i++) expect(parser.push(bytes.subarray(i, i + 1))).toBeUndefined();
    expect(parser.push(bytes.subarray(bytes.length - 1))?.response.status).toBe(101);
  });

  it('keeps the bytes that follow the head in the same chunk (a frame riding with the 101)', () => {
    const frame = hex('81 05 48 65 6c 6c 6f');
    const parsed = new HttpResponseParser().push(concatBytes(textEncoder.encode(RESPONSE), frame));
    expect(Array.from(parsed?.rest ?? [])).toEqual(Array.from(frame));
  });

  it('accepts bare LF line endings and trims header whitespace', () => {
    const parsed = new HttpResponseParser().push(textEncoder.encode('HTTP/1.1 101 OK\nUpgrade: \t websocket \t\n\n'));
    expect(parsed?.response.headers['upgrade']).toBe('websocket');
  });

  it('refuses a head over the byte limit, even without a line end', () => {
    const parser = new HttpResponseParser({ maxHeaderBytes: 64 });
    expect(errorCode(() => parser.push(textEncoder.encode('HTTP/1.1 101 OK\r\nX: ' + 'a'.repeat(100))))).toBe(ErrorCode.HTTP_HEADERS_TOO_LARGE);
  });

  it('refuses too many header lines', () => {
    const flood = 'HTTP/1.1 101 OK\r\n' + 'X-A: 1\r\n'.repeat(11) + '\r\n';
    expect(errorCode(() => new HttpResponseParser({ maxHeaderCount: 10 }).push(textEncoder.encode(flood)))).toBe(ErrorCode.HTTP_TOO_MANY_HEADERS);
    const fits = 'HTTP/1.1 101 OK\r\n' + 'X-A: 1\r\n'.repeat(10) + '\r\n';
    expect(new HttpResponseParser({ maxHeaderCount: 10 }).push(textEncoder.encode(fits))?.response.status).toBe(101);
  });

  it('refuses malformed heads', () => {
    for (const head of [
      'HTTP/2 101 OK\r\n\r\n',
      'HTTP/1.1 1O1 OK\r\n\r\n',
      'SSH-2.0-OpenSSH\r\n\r\n',
      '\r\nHTTP/1.1 101 OK\r\n\r\n',
      'HTTP/1.1 101 OK\r\nNo colon here\r\n\r\n',
      'HTTP/1.1 101 OK\r\nBad Name: x\r\n\r\n',
      'HTTP/1.1 101 OK\r\n folded: x\r\n\r\n',
      'HTTP/1.1 101 OK\r\nX: a\rb\r\n\r\n',
    ]) {
      expect(errorCode(() => new HttpResponseParser().push(textEncoder.encode(head))), JSON.stringify(head)).toBe(ErrorCode.HTTP_MALFORMED);
    }
  });
});
