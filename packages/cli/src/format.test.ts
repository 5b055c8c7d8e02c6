import { describe, expect, it } from 'vitest';
import type { HandshakeInfo } from '@tether/protocol';
import { describeCloseCode, describeWireFrame, describeHandshake, describeMessage, hex, hexPreview, paint, parseHex, wantsColor } from './format';

const p = paint(false);

// RFC 6455 §1.3's example key and its Accept value.
const info: HandshakeInfo = {
  url: 'ws://example.com/chat?room=1',
  key: 'dGhlIHNhbXBsZSBub25jZQ==',
  requestHeaders: [
    ['Host', 'example.com'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ],
  status: 101,
  statusText: 'Switching Protocols',
  responseHeaders: [['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
  expectedAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
  receivedAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
};

describe('describeHandshake', () => {
  it('shows the request with its key, the response, and the Accept expected beside the one received', () => {
    const lines = describeHandshake(info, p);
    expect(lines[0]).toBe('--> GET /chat?room=1 HTTP/1.1');
    expect(lines).toContain('--> Host: example.com');
    expect(lines.find((l) => l.startsWith('--> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='))).toMatch(/16 random bytes/);
    expect(lines).toContain('<-- HTTP/1.1 101 Switching Protocols');
    expect(lines).toContain('  expected s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(lines.at(-1)).toBe('  received s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  match: the server read our key');
  });

  it('says when the Accept value does not match', () => {
    const lines = describeHandshake({ ...info, receivedAccept: 'AAAA' }, p);
    expect(lines.at(-1)).toMatch(/received AAAA +MISMATCH/);
  });

  it('says when the status was not 101, without an Accept check', () => {
    const lines = describeHandshake({ ...info, status: 403, statusText: '', responseHeaders: [] }, p);
    expect(lines).toContain('<-- HTTP/1.1 403');
    expect(lines.at(-1)).toMatch(/not 101/);
    expect(lines.some((l) => l.includes('expected'))).toBe(false);
  });
});

describe('messages and frames', () => {
  it('shows text as it is and binary as its length and hex', () => {
    expect(describeMessage('hello')).toBe('hello');
    expect(describeMessage(new Uint8Array([0x68, 0x69, 0xff]))).toBe('[binary, 3 bytes] 68 69 ff');
    expect(describeMessage(new Uint8Array([1]))).toBe('[binary, 1 byte] 01');
    expect(describeMessage(new Uint8Array(0))).toBe('[binary, 0 bytes]');
  });

  it('cuts long binary previews and says the length', () => {
    expect(hexPreview(new Uint8Array(40), 4)).toBe('00 00 00 00 … (40 bytes)');
    expect(hex(new Uint8Array([0, 255, 16]))).toBe('00ff10');
  });

  it('reads hex typed at the prompt', () => {
    expect(parseHex('01 02 ff')).toEqual(new Uint8Array([1, 2, 255]));
    expect(parseHex('0102FF')).toEqual(new Uint8Array([1, 2, 255]));
    expect(parseHex('123')).toBeUndefined();
    expect(parseHex('zz')).toBeUndefined();
  });

  it('describes frames with opcode, length and flags', () => {
    expect(describeWireFrame({ direction: 'out', opcode: 1, fin: true, rsv1: false, masked: true, length: 5 })).toBe('--> text   opcode=0x1 len=5 FIN MASK');
    expect(describeWireFrame({ direction: 'in', opcode: 8, fin: true, rsv1: false, masked: false, length: 2 })).toBe('<-- close  opcode=0x8 len=2 FIN');
    expect(describeWireFrame({ direction: 'in', opcode: 0, fin: false, rsv1: false, masked: false, length: 70000 })).toBe('<-- cont   opcode=0x0 len=70000');
    expect(describeWireFrame({ direction: 'in', opcode: 1, fin: true, rsv1: true, masked: false, length: 9 })).toBe('<-- text   opcode=0x1 len=9 FIN RSV1');
    expect(describeWireFrame({ direction: 'in', opcode: 10, fin: true, rsv1: false, masked: false, length: 0 })).toBe('<-- pong   opcode=0xa len=0 FIN');
  });

  it('names close codes', () => {
    expect(describeCloseCode(1000, 'bye')).toBe('1000 (normal) "bye"');
    expect(describeCloseCode(1006, '')).toBe('1006 (no close frame)');
    expect(describeCloseCode(4321, '')).toBe('4321');
  });
});

describe('colours', () => {
  it('are on for a terminal, off for a pipe, NO_COLOR and --no-color', () => {
    expect(wantsColor({ isTTY: true }, undefined, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, undefined, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, undefined, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: true }, false, {})).toBe(false);
    expect(wantsColor({ isTTY: false }, undefined, { FORCE_COLOR: '1' })).toBe(true);
    expect(paint(true).incoming('x')).toBe('\u001b[36mx\u001b[39m');
  });
});
