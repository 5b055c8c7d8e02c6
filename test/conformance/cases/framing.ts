import { ErrorCode } from '@tether/node';
import { cleanClose, echoes, failsProtocol, provokes } from '../harness/expect';
import { binary, chop, close, frame, ping, pong, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';

// Autobahn TestSuite client categories 1 (framing), 2 (pings and pongs), 3 (reserved bits) and
// 4 (opcodes): what the server sends, what an echo client must answer, and how it must fail.

const LENGTHS = [0, 125, 126, 127, 128, 65_535, 65_536] as const;

function filler(length: number): string {
  return '*'.repeat(length);
}

function bytesOf(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff));
}

const KINDS = [
  { group: 1, kind: 'text', frameOf: text, payload: filler },
  { group: 2, kind: 'binary', frameOf: binary, payload: bytesOf },
] as const;

const basic: ConformanceCase[] = [
  ...KINDS.flatMap(({ group, kind, frameOf, payload }) => [
    ...LENGTHS.map(
      (n, i): ConformanceCase => ({
        id: `1.${group}.${i + 1}`,
        category: 'Framing',
        title: `${kind} message of ${n} bytes`,
        script: echoes([frameOf(payload(n))], [payload(n)]),
        expect: cleanClose(1000, { messages: 1 }),
      }),
    ),
    {
      id: `1.${group}.8`,
      category: 'Framing',
      title: `${kind} message of 65536 bytes, written in chops of 997 bytes`,
      script: echoes([frameOf(payload(65_536))], [payload(65_536)], 997),
      expect: cleanClose(1000, { messages: 1 }),
    },
  ]),
  {
    id: '1.3.1',
    category: 'Framing',
    title: 'a masked text frame from the server',
    script: provokes([text('masked', { mask: Uint8Array.of(1, 2, 3, 4) })]),
    expect: failsProtocol(ErrorCode.MASKED_FRAME, { messages: 0 }),
  },
  {
    id: '1.3.2',
    category: 'Framing',
    title: 'a 130-byte text frame written one byte at a time (16-bit length split)',
    script: echoes([text(filler(130))], [filler(130)], 1),
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: '1.3.3',
    category: 'Framing',
    title: 'three messages in one TCP write',
    script: echoes([text('one'), binary(bytesOf(3)), text('three')], ['one', bytesOf(3), 'three']),
    expect: cleanClose(1000, { messages: 3 }),
  },
  {
    id: '1.3.4',
    category: 'Framing',
    title: 'the client splits its 1000-byte echo into frames of fragmentSize 100, all masked',
    options: { fragmentSize: 100, perMessageDeflate: false },
    script: async (s) => {
      await s.write(text(filler(1000)));
      const echo = await s.expectEcho(filler(1000));
      if (echo.frames !== 10) throw new Error(`the echo came in ${echo.frames} frames, expected 10`);
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
];

const PING_125 = filler(125);

const pings: ConformanceCase[] = [
  { id: '2.1', title: 'ping without payload', payload: Buffer.alloc(0) },
  { id: '2.2', title: 'ping with a small text payload', payload: Buffer.from('Hello, world!') },
  { id: '2.3', title: 'ping with a small binary payload', payload: Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]) },
  { id: '2.4', title: 'ping with a 125-byte payload', payload: Buffer.from(PING_125) },
].map(
  ({ id, title, payload }): ConformanceCase => ({
    id,
    category: 'Ping/pong',
    title,
    script: async (s) => {
      await s.write(ping(payload));
      const answer = await s.pong();
      if (!answer.equals(payload)) throw new Error(`the pong carried ${answer.length} other bytes`);
      await s.closeNormally();
    },
    expect: cleanClose(),
  }),
);

pings.push(
  {
    id: '2.5',
    category: 'Ping/pong',
    title: 'ping with a 126-byte payload',
    script: provokes([ping(filler(126))]),
    expect: failsProtocol(ErrorCode.CONTROL_TOO_LONG),
  },
  {
    id: '2.6',
    category: 'Ping/pong',
    title: 'ping with a 125-byte payload, written one byte at a time',
    script: async (s) => {
      await s.writeEach(chop(ping(PING_125), 1));
      if ((await s.pong()).toString() !== PING_125) throw new Error('the pong carried other bytes');
      await s.closeNormally();
    },
    expect: cleanClose(),
  },
  {
    id: '2.7',
    category: 'Ping/pong',
    title: 'unsolicited pong without payload: ignored',
    script: async (s) => {
      await s.write(pong());
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 0 }),
  },
  {
    id: '2.8',
    category: 'Ping/pong',
    title: 'unsolicited pong with payload: ignored',
    script: async (s) => {
      await s.write(pong('unsolicited pong payload'));
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 0 }),
  },
  {
    id: '2.9',
    category: 'Ping/pong',
    title: 'unsolicited pong, then a ping: the pong answers the ping',
    script: async (s) => {
      await s.write(pong('unsolicited'), ping('solicited'));
      if ((await s.pong()).toString() !== 'solicited') throw new Error('the pong did not carry the ping payload');
      await s.closeNormally();
    },
    expect: cleanClose(),
  },
  ...(['together', 'apart'] as const).map(
    (write, i): ConformanceCase => ({
      id: `2.${10 + i}`,
      category: 'Ping/pong',
      title: `10 pings ${write === 'together' ? 'in one write' : 'written one by one'}: 10 pongs in order`,
      script: async (s) => {
        const frames = Array.from({ length: 10 }, (_, n) => ping(`payload-${n}`));
        if (write === 'together') await s.write(...frames);
        else await s.writeEach(frames);
        for (let n = 0; n < 10; n++) {
          const answer = (await s.pong()).toString();
          if (answer !== `payload-${n}`) throw new Error(`pong ${n} carried ${JSON.stringify(answer)}`);
        }
        await s.closeNormally();
      },
      expect: cleanClose(),
    }),
  ),
);

const reserved: ConformanceCase[] = [
  {
    id: '3.1',
    category: 'Reserved bits',
    title: 'text frame with RSV1 (no extension agreed)',
    script: provokes([text('Hello, world!', { rsv: 4 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 0 }),
  },
  {
    id: '3.2',
    category: 'Reserved bits',
    title: 'text, then text with RSV2, then ping, in one write: echo of the first, then failure',
    script: async (s) => {
      await s.write(text('Hello, world!'), text('Hello, world!', { rsv: 2 }), ping());
      await s.expectEcho('Hello, world!');
      await s.awaitClose();
    },
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 1 }),
  },
  {
    id: '3.3',
    category: 'Reserved bits',
    title: 'text, then text with RSV3 written after the echo came back, then ping',
    script: async (s) => {
      await s.write(text('Hello, world!'));
      await s.expectEcho('Hello, world!');
      await s.write(text('Hello, world!', { rsv: 1 }), ping());
      await s.awaitClose();
    },
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 1 }),
  },
  {
    id: '3.4',
    category: 'Reserved bits',
    title: 'text, then text with RSV1+RSV2, then ping, written in 1-byte chops',
    script: provokes([text('Hello, world!'), text('Hello, world!', { rsv: 6 }), ping()], 1),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 1 }),
  },
  {
    id: '3.5',
    category: 'Reserved bits',
    title: 'binary frame with RSV1+RSV3',
    script: provokes([binary(bytesOf(8), { rsv: 5 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 0 }),
  },
  {
    id: '3.6',
    category: 'Reserved bits',
    title: 'ping with RSV2+RSV3',
    script: provokes([ping('Hello, world!', { rsv: 3 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS),
  },
  {
    id: '3.7',
    category: 'Reserved bits',
    title: 'close frame with RSV1+RSV2+RSV3',
    script: provokes([close(1000, '', { rsv: 7 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS),
  },
];

const opcodes: ConformanceCase[] = [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode): ConformanceCase => {
  const control = opcode >= 8;
  const n = control ? opcode - 0xa : opcode - 2;
  const variant = n % 3;
  const bad = frame(opcode, variant === 0 ? [] : 'reserved opcode payload');
  const frames = variant === 2 ? [text('Hello, world!'), bad, ping()] : [bad];
  return {
    id: `4.${control ? 2 : 1}.${n}`,
    category: 'Opcodes',
    title: `reserved ${control ? 'control' : 'non-control'} opcode ${opcode}${variant === 0 ? '' : ' with payload'}${variant === 2 ? ', after a text message and before a ping' : ''}`,
    script:
      variant === 2
        ? async (s) => {
            await s.write(...frames);
            await s.expectEcho('Hello, world!');
            await s.awaitClose();
          }
        : provokes(frames),
    expect: failsProtocol(ErrorCode.INVALID_OPCODE, { messages: variant === 2 ? 1 : 0 }),
  };
});

export const FRAMING_CASES: readonly ConformanceCase[] = [...basic, ...pings, ...reserved, ...opcodes];
