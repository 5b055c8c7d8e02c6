import { ErrorCode } from '@tether/node';
import { cleanClose, echoes, failsProtocol, provokes } from '../harness/expect';
import { binary, chop, cont, ping, pong, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';
import type { ServerSide } from '../harness/scripted-server';

// Autobahn TestSuite client category 5: fragmented messages, control frames between fragments,
// continuation frames where none belongs, and a new message inside a fragmented one.

const TWO = [text('fragment1', { fin: false }), cont('fragment2')];
const WITH_PING = [text('fragment1', { fin: false }), ping('pongme!'), cont('fragment2')];

/** Writes `frames` as `write` says, expects the pong (if `pongs`) and the echo, then closes. */
function reassembles(frames: Buffer[], write: 'together' | 'chopped' | 'apart', pongs = false) {
  return async (s: ServerSide): Promise<void> => {
    if (write === 'together') await s.write(...frames);
    else if (write === 'chopped') await s.writeEach(chop(Buffer.concat(frames), 1));
    else await s.writeEach(frames);
    if (pongs && (await s.pong()).toString() !== 'pongme!') throw new Error('the pong did not carry the ping payload');
    await s.expectEcho('fragment1fragment2');
    await s.closeNormally();
  };
}

const WRITES = [
  ['in one write', 'together'],
  ['in 1-byte chops', 'chopped'],
  ['one frame per write', 'apart'],
] as const;

export const FRAGMENTATION_CASES: readonly ConformanceCase[] = [
  {
    id: '5.1',
    category: 'Fragmentation',
    title: 'ping in two fragments',
    script: provokes([ping('fragment1', { fin: false }), cont('fragment2')]),
    expect: failsProtocol(ErrorCode.CONTROL_FRAGMENTED),
  },
  {
    id: '5.2',
    category: 'Fragmentation',
    title: 'pong in two fragments',
    script: provokes([pong('fragment1', { fin: false }), cont('fragment2')]),
    expect: failsProtocol(ErrorCode.CONTROL_FRAGMENTED),
  },
  ...WRITES.map(
    ([how, write], i): ConformanceCase => ({
      id: `5.${3 + i}`,
      category: 'Fragmentation',
      title: `text message in two fragments, ${how}`,
      script: reassembles(TWO, write),
      expect: cleanClose(1000, { messages: 1 }),
    }),
  ),
  ...WRITES.map(
    ([how, write], i): ConformanceCase => ({
      id: `5.${6 + i}`,
      category: 'Fragmentation',
      title: `text message in two fragments with a ping between them, ${how}`,
      script: reassembles(WITH_PING, write, true),
      expect: cleanClose(1000, { messages: 1 }),
    }),
  ),
  {
    id: '5.9',
    category: 'Fragmentation',
    title: 'continuation frame (FIN) with no message to continue, then a text message',
    script: provokes([cont('non-continuation payload'), text('Hello, world!')]),
    expect: failsProtocol(ErrorCode.UNEXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.10',
    category: 'Fragmentation',
    title: 'continuation frame (FIN) with no message to continue, in 1-byte chops',
    script: provokes([cont('non-continuation payload'), text('Hello, world!')], 1),
    expect: failsProtocol(ErrorCode.UNEXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.11',
    category: 'Fragmentation',
    title: 'continuation frame (no FIN) with no message to continue',
    script: provokes([cont('fragment1', { fin: false }), cont('fragment2')]),
    expect: failsProtocol(ErrorCode.UNEXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.12',
    category: 'Fragmentation',
    title: 'text message, then a continuation frame after the message ended',
    script: async (s) => {
      await s.write(text('fragment1', { fin: false }), cont('fragment2'), cont('fragment3', { fin: false }), text('fragment4'));
      await s.expectEcho('fragment1fragment2');
      await s.awaitClose();
    },
    expect: failsProtocol(ErrorCode.UNEXPECTED_CONTINUATION, { messages: 1 }),
  },
  {
    id: '5.13',
    category: 'Fragmentation',
    title: 'a new text frame inside a fragmented text message',
    script: provokes([text('fragment1', { fin: false }), text('fragment2')]),
    expect: failsProtocol(ErrorCode.EXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.14',
    category: 'Fragmentation',
    title: 'a new binary frame inside a fragmented text message',
    script: provokes([text('fragment1', { fin: false }), binary([1, 2, 3])]),
    expect: failsProtocol(ErrorCode.EXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.15',
    category: 'Fragmentation',
    title: 'a new text frame after a ping inside a fragmented message',
    script: async (s) => {
      await s.write(text('fragment1', { fin: false }), ping('inside'), text('fragment2'));
      if ((await s.pong()).toString() !== 'inside') throw new Error('the pong did not carry the ping payload');
      await s.awaitClose();
    },
    expect: failsProtocol(ErrorCode.EXPECTED_CONTINUATION, { messages: 0 }),
  },
  {
    id: '5.16',
    category: 'Fragmentation',
    title: 'text message in 5 fragments, each sent after the pong for a ping before it',
    script: async (s) => {
      const parts = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
      for (let i = 0; i < parts.length; i++) {
        await s.write(ping(`ping-${i}`));
        if ((await s.pong()).toString() !== `ping-${i}`) throw new Error(`pong ${i} did not carry its ping's payload`);
        await s.write(i === 0 ? text(parts[i]!, { fin: false }) : cont(parts[i]!, { fin: i === parts.length - 1 }));
      }
      await s.expectEcho(parts.join(''));
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: '5.17',
    category: 'Fragmentation',
    title: 'binary message in 2000 one-byte fragments',
    script: async (s) => {
      const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => i & 0xff));
      const frames = [...data].map((byte, i) => (i === 0 ? binary([byte], { fin: false }) : cont([byte], { fin: i === data.length - 1 })));
      await s.write(...frames);
      await s.expectEcho(data);
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  },
  {
    id: '5.18',
    category: 'Fragmentation',
    title: 'text message in fragments with empty first and last fragments',
    script: echoes([text('', { fin: false }), cont('middle', { fin: false }), cont('')], ['middle']),
    expect: cleanClose(1000, { messages: 1 }),
  },
];
