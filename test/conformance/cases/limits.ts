import { ErrorCode } from '@tether/node';
import { cleanClose, fails, failsProtocol } from '../harness/expect';
import { binary, cont, frame, OP, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';

// Autobahn TestSuite category 9 turned around: what a client must bound. `maxPayload` is checked
// against the frame header, so an oversized frame fails with 1009 before its payload is sent at all.

const CATEGORY = 'Limits';
const LIMIT = 64 * 1024;
const limited = { maxPayload: LIMIT, perMessageDeflate: false } as const;
const tooBig = fails.bind(null, ErrorCode.PAYLOAD_TOO_LARGE, 1009);

export const LIMIT_CASES: readonly ConformanceCase[] = [
  {
    id: '9.1.1',
    category: CATEGORY,
    title: `binary message of exactly maxPayload (${LIMIT} bytes)`,
    options: limited,
    script: async (s) => {
      const data = Buffer.alloc(LIMIT, 0x5a);
      await s.write(binary(data));
      await s.expectEcho(data);
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: '9.1.2',
    category: CATEGORY,
    title: 'a frame header announcing maxPayload + 1 bytes, and no payload: 1009 from the header alone',
    options: limited,
    script: async (s) => {
      await s.write(binary(Buffer.alloc(0), { length: LIMIT + 1 }));
      await s.awaitClose(3_000);
    },
    expect: tooBig({ messages: 0 }),
  },
  {
    id: '9.1.3',
    category: CATEGORY,
    title: 'a text message over maxPayload in three fragments of 30 KiB',
    options: limited,
    script: async (s) => {
      const part = 'x'.repeat(30 * 1024);
      await s.write(text(part, { fin: false }), cont(part, { fin: false }), cont(part));
      await s.awaitClose();
    },
    expect: tooBig({ messages: 0 }),
  },
  {
    id: '9.1.4',
    category: CATEGORY,
    title: 'a header announcing 2^40 bytes with the default maxPayload: 1009, nothing allocated up front',
    script: async (s) => {
      await s.write(binary(Buffer.alloc(0), { length: 2n ** 40n }));
      await s.awaitClose(3_000);
    },
    expect: tooBig({ messages: 0 }),
  },
  {
    id: '9.1.5',
    category: CATEGORY,
    title: 'a 64-bit payload length with the most significant bit set',
    script: async (s) => {
      await s.write(frame(OP.binary, [], { length: 2n ** 63n + 5n }));
      await s.awaitClose();
    },
    expect: failsProtocol(ErrorCode.INVALID_LENGTH, { messages: 0 }),
  },
  {
    id: '9.1.6',
    category: CATEGORY,
    title: 'a text message in 20000 one-byte fragments (under maxPayload): reassembled',
    options: limited,
    script: async (s) => {
      const frames = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? text('a', { fin: false }) : cont('a', { fin: i === 19_999 })));
      await s.write(...frames);
      await s.expectEcho('a'.repeat(20_000));
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
];
