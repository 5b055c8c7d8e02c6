import { describe, expect, it } from 'vitest';
import { CloseCode, Opcode, ReadyState } from './constants';
import { ClientConnection } from './connection';
import { ErrorCode, HandshakeError, ProtocolError, TetherError } from './errors';
import { textEncoder } from './runtime';
import { FIXED_KEY, concatBytes, drive, hex, opened, readClientFrame, response101, serverFrame, type Driven } from './test-utils';

/** The connection failed with this close code and error code, and said so on the wire. */
function expectFailed(d: Driven, closeCode: number, code: string): void {
  const errors = d.of('error');
  expect(errors).toHaveLength(1);
  const error = errors[0]!.error;
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error.code).toBe(code);
  expect((error as ProtocolError).closeCode).toBe(closeCode);
  // §7.1.5: no close frame was received, so the connection's close code is 1006.
  expect(d.of('close')).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
  expect(d.conn.readyState).toBe(ReadyState.CLOSED);
  const sent = readClientFrame(d.written.at(-1)!);
  expect(sent.opcode).toBe(Opcode.Close);
  expect((sent.payload[0]! << 8) | sent.payload[1]!).toBe(closeCode);
}

describe('the opening handshake', () => {
  it('writes the request on start and opens on a valid 101', () => {
    const d = drive();
    d.conn.start();
    expect(new TextDecoder().decode(d.written[0])).toContain(`Sec-WebSocket-Key: ${FIXED_KEY}`);
    d.conn.receive(response101());
    expect(d.conn.readyState).toBe(ReadyState.OPEN);
    const open = d.of('open')[0]!;
    expect(open.handshake.expectedAccept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(open.handshake.receivedAccept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(open.handshake.status).toBe(101);
  });

  it('does not lose a frame that arrives in the same chunk as the 101', () => {
    const d = drive();
    d.conn.start();
    d.conn.receive(concatBytes(response101(), hex('81 05 48 65 6c 6c 6f'), hex('82 00')));
    expect(d.of('message').map((e) => e.data)).toEqual(['Hello', new Uint8Array(0)]);
  });

  it('fails a bad handshake with a HandshakeError, then close 1006, writing nothing', () => {
    const d = drive();
    d.conn.start();
    d.written.length = 0;
    d.conn.receive(textEncoder.encode('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'));
    const error = d.of('error')[0]!.error;
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error.code).toBe(ErrorCode.HANDSHAKE_STATUS);
    expect((error as HandshakeError).status).toBe(403);
    expect(d.of('close')).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
    expect(d.written).toHaveLength(0);
    d.conn.receive(hex('81 00'));
    expect(d.of('message')).toHaveLength(0);
  });

  it('lets an exception from an open listener through, without calling the handshake bad', () => {
    const events: string[] = [];
    const conn = new ClientConnection('ws://example.com/', { key: FIXED_KEY }, {
      onWrite: () => {},
      onEvent: (e) => {
        events.push(e.type);
        if (e.type === 'open') throw new RangeError('listener bug');
      },
    });
    conn.start();
    expect(() => conn.receive(response101())).toThrow(RangeError);
    expect(events).toEqual(['open']);
    expect(conn.readyState).toBe(ReadyState.OPEN);
  });

  it('reports a connection lost during the handshake as 1006', () => {
    const d = drive();
    d.conn.start();
    d.conn.connectionLost();
    expect(d.of('error')[0]!.error.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(d.of('close')[0]!.code).toBe(1006);
  });

  it('refuses to send before open, and aborts on close() while connecting', () => {
    const d = drive();
    d.conn.start();
    expect(() => d.conn.sendText('x')).toThrow(TetherError);
    d.conn.close();
    expect(d.of('error')[0]!.error.code).toBe(ErrorCode.ABORTED);
    expect(d.of('close')[0]).toMatchObject({ code: 1006, wasClean: false });
  });
});

describe('RFC 6455 §5.7: receiving the examples', () => {
  it('reads unmasked "Hello", a fragmented "Hel"+"lo", and 256 B / 64 KiB binary', () => {
    const d = opened();
    d.conn.receive(hex('81 05 48 65 6c 6c 6f'));
    d.conn.receive(hex('01 03 48 65 6c'));
    d.conn.receive(hex('80 02 6c 6f'));
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(256).fill(1)));
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(65536).fill(2)));
    const data = d.of('message').map((e) => e.data);
    expect(data.slice(0, 2)).toEqual(['Hello', 'Hello']);
    expect((data[2] as Uint8Array).length).toBe(256);
    expect((data[3] as Uint8Array).every((b) => b === 2)).toBe(true);
    expect((data[3] as Uint8Array).length).toBe(65536);
  });

  it('answers a ping with a pong carrying the same data, even between fragments', () => {
    const d = opened();
    d.conn.receive(hex('01 03 48 65 6c'));
    d.conn.receive(hex('89 05 48 65 6c 6c 6f'));
    d.conn.receive(hex('80 02 6c 6f'));
    expect(d.of('ping')[0]!.data).toEqual(textEncoder.encode('Hello'));
    const pong = readClientFrame(d.written[0]!);
    expect(pong).toMatchObject({ opcode: Opcode.Pong, fin: true });
    expect(pong.payload).toEqual(textEncoder.encode('Hello'));
    expect(d.of('message')[0]!.data).toBe('Hello');
  });

  it('reports pongs', () => {
    const d = opened();
    d.conn.receive(hex('8a 02 68 69'));
    expect(d.of('pong')[0]!.data).toEqual(textEncoder.encode('hi'));
  });

  it('hands out a view, not a copy, when a frame sits inside one chunk', () => {
    const d = opened();
    const chunk = concatBytes(serverFrame(Opcode.Binary, new Uint8Array(300).fill(9)), serverFrame(Opcode.Binary, new Uint8Array(10)));
    d.conn.receive(chunk);
    const first = d.of('message')[0]!.data as Uint8Array;
    expect(first.buffer).toBe(chunk.buffer);
    expect(first.byteOffset).toBe(4);
  });
});

describe('RFC 6455 §7: the closing handshake', () => {
  it('echoes the server’s close and finishes cleanly', () => {
    const d = opened();
    d.conn.receive(serverFrame(Opcode.Close, concatBytes(hex('03 e8'), textEncoder.encode('bye'))));
    const echo = readClientFrame(d.written[0]!);
    expect(echo.opcode).toBe(Opcode.Close);
    expect(Array.from(echo.payload)).toEqual([0x03, 0xe8]);
    expect(d.of('close')).toEqual([{ type: 'close', code: 1000, reason: 'bye', wasClean: true }]);
    expect(d.conn.readyState).toBe(ReadyState.CLOSED);
    expect(d.conn.sendText('late')).toBe(false);
  });

  it('answers an empty close with an empty close and reports 1005', () => {
    const d = opened();
    d.conn.receive(hex('88 00'));
    expect(readClientFrame(d.written[0]!).payload).toHaveLength(0);
    expect(d.of('close')[0]).toMatchObject({ code: CloseCode.NoStatus, wasClean: true });
  });

  it('sends our close, still delivers messages, and finishes on the server’s reply without echoing', () => {
    const d = opened();
    d.conn.close(4000, 'done');
    expect(d.conn.readyState).toBe(ReadyState.CLOSING);
    const sent = readClientFrame(d.written[0]!);
    expect(sent.opcode).toBe(Opcode.Close);
    expect(new TextDecoder().decode(sent.payload.subarray(2))).toBe('done');
    expect(d.conn.sendText('after close')).toBe(false);
    d.conn.receive(hex('81 02 68 69'));
    d.conn.receive(hex('88 02 0f a0'));
    expect(d.of('message')[0]!.data).toBe('hi');
    expect(d.written).toHaveLength(1);
    expect(d.of('close')[0]).toEqual({ type: 'close', code: 4000, reason: '', wasClean: true });
  });

  it('ignores whatever follows the server’s close', () => {
    const d = opened();
    d.conn.receive(concatBytes(hex('88 02 03 e8'), hex('81 02 68 69')));
    d.conn.receive(hex('81 02 68 69'));
    expect(d.of('message')).toHaveLength(0);
  });

  it('reports a dropped connection as 1006 with an error', () => {
    const d = opened();
    d.conn.connectionLost();
    expect(d.of('error')[0]!.error.code).toBe(ErrorCode.CONNECTION_LOST);
    expect(d.of('close')[0]).toMatchObject({ code: 1006, wasClean: false });
  });

  it('checks close() arguments like the WHATWG API', () => {
    const d = opened();
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      expect(() => d.conn.close(code), String(code)).toThrow(TetherError);
    }
    expect(() => d.conn.close(1000, 'x'.repeat(124))).toThrow(TetherError);
    expect(() => d.conn.close(1000, 'é'.repeat(62))).toThrow(TetherError);
    expect(d.written).toHaveLength(0);
    d.conn.close(1000, 'x'.repeat(123));
    expect(d.written).toHaveLength(1);
  });
});

describe('failing the connection: 1002 protocol errors', () => {
  const cases: Array<[string, string, string]> = [
    ['RSV1 without an extension', 'c1 00', ErrorCode.RESERVED_BITS],
    ['RSV2', 'a1 00', ErrorCode.RESERVED_BITS],
    ['RSV3', '91 00', ErrorCode.RESERVED_BITS],
    ['reserved data opcode 3', '83 00', ErrorCode.INVALID_OPCODE],
    ['reserved data opcode 7', '87 00', ErrorCode.INVALID_OPCODE],
    ['reserved control opcode 0xB', '8b 00', ErrorCode.INVALID_OPCODE],
    ['reserved control opcode 0xF', '8f 00', ErrorCode.INVALID_OPCODE],
    ['a ping over 125 bytes', '89 7e 00 7e', ErrorCode.CONTROL_TOO_LONG],
    ['a fragmented ping', '09 00', ErrorCode.CONTROL_FRAGMENTED],
    ['a fragmented close', '08 00', ErrorCode.CONTROL_FRAGMENTED],
    ['a masked frame', '81 85 37 fa 21 3d 7f 9f 4d 51 58', ErrorCode.MASKED_FRAME],
    ['a continuation with nothing to continue', '80 00', ErrorCode.UNEXPECTED_CONTINUATION],
    ['a new text frame inside a fragmented message', '01 01 61 81 01 62', ErrorCode.EXPECTED_CONTINUATION],
    ['a new binary frame inside a fragmented message', '02 01 61 02 01 62', ErrorCode.EXPECTED_CONTINUATION],
    ['a 64-bit length with the top bit set', '82 7f 80 00 00 00 00 00 00 01', ErrorCode.INVALID_LENGTH],
    ['a 1-byte close payload', '88 01 03', ErrorCode.INVALID_CLOSE_PAYLOAD],
  ];
  for (const [name, frames, code] of cases) {
    it(`fails on ${name}`, () => {
      const d = opened();
      d.conn.receive(hex(frames));
      expectFailed(d, CloseCode.ProtocolError, code);
    });
  }

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2999, 5000, 65535]) {
    it(`fails on close code ${code}, which may not be sent`, () => {
      const d = opened();
      d.conn.receive(serverFrame(Opcode.Close, new Uint8Array([code >>> 8, code & 0xff])));
      expectFailed(d, CloseCode.ProtocolError, ErrorCode.INVALID_CLOSE_CODE);
    });
  }

  for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]) {
    it(`accepts close code ${code}`, () => {
      const d = opened();
      d.conn.receive(serverFrame(Opcode.Close, new Uint8Array([code >>> 8, code & 0xff])));
      expect(d.of('close')[0]).toMatchObject({ code, wasClean: true });
    });
  }

  it('ignores everything after failing, and fails only once', () => {
    const d = opened();
    d.conn.receive(concatBytes(hex('83 00'), hex('81 02 68 69'), hex('83 00')));
    d.conn.receive(hex('81 02 68 69'));
    expect(d.of('error')).toHaveLength(1);
    expect(d.of('message')).toHaveLength(0);
    expect(d.written).toHaveLength(1);
  });
});

describe('failing the connection: 1007 invalid UTF-8', () => {
  it('fails on invalid UTF-8 in a text frame', () => {
    const d = opened();
    d.conn.receive(serverFrame(Opcode.Text, hex('ce ba ed a0 80')));
    expectFailed(d, CloseCode.InvalidPayload, ErrorCode.INVALID_UTF8);
  });

  it('fails fast: at the first bad fragment, before the message ends', () => {
    const d = opened();
    d.conn.receive(serverFrame(Opcode.Text, hex('ce ba e1 bd b9'), false));
    d.conn.receive(serverFrame(Opcode.Continuation, hex('cf 83 f4 90 80 80'), false));
    expectFailed(d, CloseCode.InvalidPayload, ErrorCode.INVALID_UTF8);
  });

  it('fails fast inside one frame whose payload has only partly arrived', () => {
    const d = opened();
    const frame = serverFrame(Opcode.Text, concatBytes(textEncoder.encode('valid '), hex('c0 af'), new Uint8Array(1000).fill(0x61)));
    d.conn.receive(frame.subarray(0, 10)); // 4-byte header + 'valid '
    expect(d.of('error')).toHaveLength(0);
    d.conn.receive(frame.subarray(10, 12));
    expectFailed(d, CloseCode.InvalidPayload, ErrorCode.INVALID_UTF8);
  });

  it('accepts a code point split across fragments, and fails one left open at the end', () => {
    const ok = opened();
    ok.conn.receive(serverFrame(Opcode.Text, hex('f0 9d'), false));
    ok.conn.receive(serverFrame(Opcode.Continuation, hex('84 9e'), true));
    expect(ok.of('message')[0]!.data).toBe('𝄞');
    const bad = opened();
    bad.conn.receive(serverFrame(Opcode.Text, hex('61 f0 9d 84'), true));
    expectFailed(bad, CloseCode.InvalidPayload, ErrorCode.INVALID_UTF8);
  });

  it('fails on invalid UTF-8 in a close reason', () => {
    const d = opened();
    d.conn.receive(serverFrame(Opcode.Close, hex('03 e8 ff')));
    expectFailed(d, CloseCode.InvalidPayload, ErrorCode.INVALID_UTF8);
  });

  it('does not check binary messages', () => {
    const d = opened();
    d.conn.receive(serverFrame(Opcode.Binary, hex('ff fe')));
    expect(d.of('message')).toHaveLength(1);
  });
});

describe('failing the connection: 1009 too big', () => {
  it('fails on a frame over maxPayload from its header, before any payload', () => {
    const d = opened({ maxPayload: 1000 });
    d.conn.receive(hex('82 7e 03 e9'));
    expectFailed(d, CloseCode.MessageTooBig, ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('fails on a 64-bit length far over the limit without allocating it', () => {
    const d = opened();
    d.conn.receive(hex('82 7f 00 00 7f ff ff ff ff ff'));
    expectFailed(d, CloseCode.MessageTooBig, ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('fails on a message whose fragments add up to more than maxPayload', () => {
    const d = opened({ maxPayload: 100 });
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(60), false));
    d.conn.receive(serverFrame(Opcode.Continuation, new Uint8Array(41), true));
    expectFailed(d, CloseCode.MessageTooBig, ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('accepts exactly maxPayload', () => {
    const d = opened({ maxPayload: 100 });
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(60), false));
    d.conn.receive(serverFrame(Opcode.Continuation, new Uint8Array(40), true));
    expect(d.of('message')).toHaveLength(1);
  });
});

describe('sending', () => {
  it('masks every frame and round-trips text and binary', () => {
    const d = opened();
    d.conn.sendText('héllo');
    d.conn.sendBinary(new Uint8Array([1, 2, 3]));
    expect(readClientFrame(d.written[0]!)).toMatchObject({ opcode: Opcode.Text, fin: true, rsv1: false });
    expect(new TextDecoder().decode(readClientFrame(d.written[0]!).payload)).toBe('héllo');
    expect(Array.from(readClientFrame(d.written[1]!).payload)).toEqual([1, 2, 3]);
  });

  it('fragments messages over fragmentSize', () => {
    const d = opened({ fragmentSize: 4 });
    d.conn.sendBinary(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const frames = d.written.map(readClientFrame);
    expect(frames.map((f) => [f.opcode, f.fin, f.payload.length])).toEqual([
      [Opcode.Binary, false, 4],
      [Opcode.Continuation, false, 4],
      [Opcode.Continuation, true, 2],
    ]);
  });

  it('writes text frames the same with or without the runtime’s UTF-8 routines, at any size', () => {
    // Routines as a runtime injects them (Node: Buffer.byteLength and Buffer#write).
    const utf8 = {
      byteLength: (text: string) => textEncoder.encode(text).length,
      encodeInto: (text: string, target: Uint8Array, offset: number) => textEncoder.encodeInto(text, target.subarray(offset)).written,
    };
    for (const text of ['', 'hi', 'héllo 😀 \ud800', 'a'.repeat(64), '€'.repeat(40), '😀'.repeat(20_000), 'x'.repeat(70_000)]) {
      const expected = textEncoder.encode(text);
      const plain = opened();
      const routines = opened({ utf8 });
      const counted = opened();
      plain.conn.sendText(text);
      routines.conn.sendText(text);
      counted.conn.sendText(text, expected.length);
      for (const d of [plain, routines, counted]) {
        expect(d.written).toHaveLength(1);
        expect(readClientFrame(d.written[0]!)).toEqual({ fin: true, rsv1: false, opcode: Opcode.Text, payload: expected });
      }
      expect(routines.written[0]).toEqual(plain.written[0]);
    }
  });

  it('fragments text over fragmentSize by bytes, characters split across frames', () => {
    for (const utf8 of [{}, { byteLength: (t: string) => textEncoder.encode(t).length }]) {
      const d = opened({ fragmentSize: 4, utf8 });
      d.conn.sendText('a€😀b'); // 1 + 3 + 4 + 1 = 9 bytes
      const frames = d.written.map(readClientFrame);
      expect(frames.map((f) => [f.opcode, f.fin, f.payload.length])).toEqual([
        [Opcode.Text, false, 4],
        [Opcode.Continuation, false, 4],
        [Opcode.Continuation, true, 1],
      ]);
      expect(concatBytes(...frames.map((f) => f.payload))).toEqual(textEncoder.encode('a€😀b'));
      // Exactly fragmentSize bytes: one frame.
      d.written.length = 0;
      d.conn.sendText('a€');
      expect(d.written.map(readClientFrame).map((f) => [f.opcode, f.fin, f.payload.length])).toEqual([[Opcode.Text, true, 4]]);
    }
  });

  it('limits control frames to 125 bytes', () => {
    const d = opened();
    expect(() => d.conn.ping(new Uint8Array(126))).toThrow(TetherError);
    expect(d.conn.ping(new Uint8Array(125))).toBe(true);
    expect(readClientFrame(d.written[0]!).opcode).toBe(Opcode.Ping);
  });

  it('refuses compressed sends unless permessage-deflate was agreed', () => {
    expect(() => opened().conn.sendCompressed(true, new Uint8Array(1))).toThrow(TetherError);
  });
});

describe('the frame observer', () => {
  it('sees every frame read (a bad one too) and written, with its header', () => {
    const frames: Array<{ direction: string; opcode: number; fin: boolean; rsv1: boolean; masked: boolean; length: number }> = [];
    const d = opened({ onFrame: (f) => frames.push({ ...f }) });
    d.conn.receive(hex('01 03 48 65 6c'));
    d.conn.receive(hex('80 02 6c 6f'));
    d.conn.sendText('hi');
    d.conn.receive(hex('83 00'));
    expect(frames).toEqual([
      { direction: 'in', opcode: 1, fin: false, rsv1: false, masked: false, length: 3 },
      { direction: 'in', opcode: 0, fin: true, rsv1: false, masked: false, length: 2 },
      { direction: 'out', opcode: 1, fin: true, rsv1: false, masked: true, length: 2 },
      { direction: 'in', opcode: 3, fin: true, rsv1: false, masked: false, length: 0 },
      { direction: 'out', opcode: 8, fin: true, rsv1: false, masked: true, length: 2 + 'ERR_INVALID_OPCODE'.length },
    ]);
  });
});
