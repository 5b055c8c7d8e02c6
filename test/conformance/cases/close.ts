import { ErrorCode } from '@tether/node';
import { answers, cleanClose, dropped, failsProtocol, fails, provokes } from '../harness/expect';
import { close, cont, frame, OP, ping, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';

// Autobahn TestSuite client category 7: the closing handshake (RFC 6455 §5.5.1, §7): codes that
// may and may not be sent, reasons, a 1-byte payload, invalid UTF-8 in the reason, frames after the
// close, and closes started by the client, answered or not.

const CATEGORY = 'Close handling';

const basic: ConformanceCase[] = [
  {
    id: '7.1.1',
    category: CATEGORY,
    title: 'text message echoed, then a normal close',
    script: async (s) => {
      await s.write(text('Hello World!'));
      await s.expectEcho('Hello World!');
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: '7.1.2',
    category: CATEGORY,
    title: 'two close frames in one write: the client answers once',
    script: answers([close(1000), close(1000)]),
    expect: cleanClose(),
  },
  {
    id: '7.1.3',
    category: CATEGORY,
    title: 'a ping after the close frame: no pong after the client has sent its close',
    script: answers([close(1000), ping('after close')]),
    expect: cleanClose(),
  },
  {
    id: '7.1.4',
    category: CATEGORY,
    title: 'a text message after the close frame: not delivered',
    script: answers([close(1000), text('after close')]),
    expect: cleanClose(1000, { messages: 0 }),
  },
  {
    id: '7.1.5',
    category: CATEGORY,
    title: 'a fragmented message interrupted by the close frame: not delivered',
    script: answers([text('fragment1', { fin: false }), close(1000), cont('fragment2')]),
    expect: cleanClose(1000, { messages: 0 }),
  },
  {
    id: '7.1.6',
    category: CATEGORY,
    title: 'the close frame and the FIN in one go: the client still answers and reports a clean close',
    script: async (s) => {
      await s.write(close(1000, 'bye'));
      s.end();
      await s.awaitClose();
    },
    expect: cleanClose(1000, { close: { code: 1000, wasClean: true, reason: 'bye' } }),
  },
  {
    id: '7.1.7',
    category: CATEGORY,
    title: 'the server closes but never closes TCP: the client drops it after closeTimeout, still clean',
    options: { closeTimeout: 300 },
    script: async (s) => {
      await s.write(close(1000));
      await s.awaitClose();
      await s.clientEnded;
    },
    expect: cleanClose(),
  },
];

const payloads: ConformanceCase[] = [
  {
    id: '7.3.1',
    category: CATEGORY,
    title: 'close frame without payload: answered without payload, reported as 1005',
    script: answers([close()]),
    expect: { sent: 'empty', error: null, close: { code: 1005, wasClean: true, reason: '' } },
  },
  {
    id: '7.3.2',
    category: CATEGORY,
    title: 'close frame with a 1-byte payload',
    script: provokes([frame(OP.close, [0x03])]),
    expect: failsProtocol(ErrorCode.INVALID_CLOSE_PAYLOAD),
  },
  {
    id: '7.3.3',
    category: CATEGORY,
    title: 'close 1000 without a reason',
    script: async (s) => s.closeNormally(1000),
    expect: cleanClose(1000, { close: { code: 1000, wasClean: true, reason: '' } }),
  },
  {
    id: '7.3.4',
    category: CATEGORY,
    title: 'close 1000 with the reason "Hello World!"',
    script: async (s) => s.closeNormally(1000, 'Hello World!'),
    expect: cleanClose(1000, { close: { code: 1000, wasClean: true, reason: 'Hello World!' } }),
  },
  {
    id: '7.3.5',
    category: CATEGORY,
    title: 'close 1000 with a 123-byte reason (the most that fits)',
    script: async (s) => s.closeNormally(1000, '*'.repeat(123)),
    expect: cleanClose(1000, { close: { code: 1000, wasClean: true, reason: '*'.repeat(123) } }),
  },
  {
    id: '7.3.7',
    category: CATEGORY,
    title: 'close 4000 with a multi-byte UTF-8 reason',
    script: async (s) => s.closeNormally(4000, 'κόσμε 😀'),
    expect: cleanClose(4000, { close: { code: 4000, wasClean: true, reason: 'κόσμε 😀' } }),
  },
  {
    id: '7.3.6',
    category: CATEGORY,
    title: 'close 1000 with a 124-byte reason (a 126-byte control frame)',
    script: provokes([close(1000, '*'.repeat(124))]),
    expect: failsProtocol(ErrorCode.CONTROL_TOO_LONG),
  },
  {
    id: '7.5.1',
    category: CATEGORY,
    title: 'close 1000 with a reason that is not UTF-8',
    script: provokes([close(1000, Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65, 0x64]))]),
    expect: fails(ErrorCode.INVALID_UTF8, 1007),
  },
];

/** Codes a server may send (RFC 6455 §7.4.1, the IANA registry, and 3000-4999). */
const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
/** Codes that must never appear on the wire (§7.4.1, §7.4.2). */
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

const codes: ConformanceCase[] = [
  ...VALID_CODES.map(
    (code, i): ConformanceCase => ({
      id: `7.7.${i + 1}`,
      category: CATEGORY,
      title: `close with the valid code ${code}: echoed and reported`,
      script: async (s) => s.closeNormally(code),
      expect: cleanClose(code),
    }),
  ),
  ...INVALID_CODES.map(
    (code, i): ConformanceCase => ({
      id: `7.9.${i + 1}`,
      category: CATEGORY,
      title: `close with the invalid code ${code}`,
      script: provokes([close(code)]),
      expect: failsProtocol(ErrorCode.INVALID_CLOSE_CODE),
    }),
  ),
];

const clientStarted: ConformanceCase[] = [
  {
    id: '7.10.1',
    category: CATEGORY,
    title: 'the client closes; the server answers and closes TCP',
    client: (ws) => ws.close(1000, 'client done'),
    script: async (s) => {
      const sent = await s.awaitClose();
      if (sent === 'none' || sent === 'empty' || sent.reason !== 'client done') throw new Error('the close frame lacked the reason');
      await s.write(close(1000, 'server done'));
      s.end();
    },
    expect: cleanClose(1000, { close: { code: 1000, wasClean: true, reason: 'server done' } }),
  },
  {
    id: '7.10.2',
    category: CATEGORY,
    title: 'the client closes; the server answers but never closes TCP (the client does, after closeTimeout)',
    options: { closeTimeout: 300 },
    client: (ws) => ws.close(4000),
    script: async (s) => {
      await s.awaitClose();
      await s.write(close(4000));
      await s.clientEnded;
    },
    expect: cleanClose(4000),
  },
  {
    id: '7.10.3',
    category: CATEGORY,
    title: 'the client closes; the server never answers (closeTimeout 300 ms)',
    options: { closeTimeout: 300 },
    client: (ws) => ws.close(1000),
    script: async (s) => {
      await s.awaitClose();
      await s.clientEnded;
    },
    expect: dropped(ErrorCode.CLOSE_TIMEOUT, 1000),
  },
  {
    id: '7.10.4',
    category: CATEGORY,
    title: 'the client closes; the server sends a text message before its close frame: not delivered (WHATWG: only when OPEN)',
    client: (ws) => ws.close(1000),
    script: async (s) => {
      await s.awaitClose();
      await s.write(text('late message'), close(1000));
      s.end();
    },
    expect: cleanClose(1000, { messages: 0 }),
  },
  {
    id: '7.10.5',
    category: CATEGORY,
    title: 'the server drops TCP right after the 101, without a close frame',
    script: async (s) => s.end(),
    expect: dropped(ErrorCode.CONNECTION_LOST),
  },
  {
    id: '7.10.6',
    category: CATEGORY,
    title: 'the server drops TCP in the middle of a frame',
    script: async (s) => {
      await s.write(text('Hello, world!').subarray(0, 6));
      s.end();
    },
    expect: dropped(ErrorCode.CONNECTION_LOST),
  },
];

export const CLOSE_CASES: readonly ConformanceCase[] = [...basic, ...payloads, ...codes, ...clientStarted];
