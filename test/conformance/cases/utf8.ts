import { ErrorCode } from '@tether/node';
import { cleanClose, echoes, fails, provokes } from '../harness/expect';
import { binary, chop, cont, frame, OP, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';

// Autobahn TestSuite client category 6: valid and invalid UTF-8 in text messages (RFC 6455 §8.1),
// whole or split across frames and chops, and fail-fast: an invalid byte must fail the connection
// as soon as it arrives, before the rest of the frame or message does (the rest is never sent).

const CATEGORY = 'UTF-8';
const HELLO = 'Hello-µ@ßöäüàá-UTF-8!!';
const KOSME = Buffer.from('κόσμε', 'utf8');
const EDITED = Buffer.from('edited', 'utf8');
const invalid = fails.bind(null, ErrorCode.INVALID_UTF8, 1007);
const SURROGATE_IN_KOSME = Buffer.concat([KOSME, Buffer.from([0xed, 0xa0, 0x80]), EDITED]);

/** Frames of one text message, one byte of payload each. */
function byteFragments(data: Buffer): Buffer[] {
  return [...data].map((byte, i) => frame(i === 0 ? OP.text : OP.cont, [byte], { fin: i === data.length - 1 }));
}

const valid: ConformanceCase[] = [
  { id: '6.1.1', title: 'empty text message', frames: [text('')], echo: '' },
  { id: '6.1.2', title: 'empty text message in three empty fragments', frames: [text('', { fin: false }), cont('', { fin: false }), cont('')], echo: '' },
  { id: '6.2.1', title: `valid UTF-8 "${HELLO}" in one frame`, frames: [text(HELLO)], echo: HELLO },
  {
    id: '6.2.2',
    title: 'the same in two fragments split on a code point boundary',
    frames: [text(Buffer.from(HELLO).subarray(0, 12), { fin: false }), cont(Buffer.from(HELLO).subarray(12))],
    echo: HELLO,
  },
  { id: '6.2.3', title: 'the same, one byte per fragment (code points split across frames)', frames: byteFragments(Buffer.from(HELLO)), echo: HELLO },
  { id: '6.2.4', title: '"κόσμε", one byte per fragment', frames: byteFragments(KOSME), echo: 'κόσμε' },
  { id: '6.2.5', title: '4-byte sequences (U+1F600), one byte per fragment', frames: byteFragments(Buffer.from('😀😀')), echo: '😀😀' },
  { id: '6.2.6', title: 'bytes that are not UTF-8 in a binary message are fine', frames: [binary([0xff, 0xfe, 0xc0, 0xaf])], echo: Buffer.from([0xff, 0xfe, 0xc0, 0xaf]) },
].map(
  ({ id, title, frames, echo }): ConformanceCase => ({
    id,
    category: CATEGORY,
    title,
    script: echoes(frames, [echo]),
    expect: cleanClose(1000, { messages: 1 }),
  }),
);

/** Code points at the edges of each UTF-8 length and of the surrogate range (RFC 3629). */
const BOUNDARIES: ReadonlyArray<readonly [string, number[]]> = [
  ['U+0000', [0x00]],
  ['U+007F', [0x7f]],
  ['U+0080', [0xc2, 0x80]],
  ['U+07FF', [0xdf, 0xbf]],
  ['U+0800', [0xe0, 0xa0, 0x80]],
  ['U+D7FF', [0xed, 0x9f, 0xbf]],
  ['U+E000', [0xee, 0x80, 0x80]],
  ['U+FFFD', [0xef, 0xbf, 0xbd]],
  ['U+FFFF', [0xef, 0xbf, 0xbf]],
  ['U+10000', [0xf0, 0x90, 0x80, 0x80]],
  ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf]],
];

const boundaries: ConformanceCase[] = BOUNDARIES.map(([name, seq], i): ConformanceCase => {
  const data = Buffer.from(seq);
  return {
    id: `6.3.${i + 1}`,
    category: CATEGORY,
    title: `valid boundary code point ${name} (${data.toString('hex')})`,
    script: echoes([text(data)], [data.toString('utf8')]),
    expect: cleanClose(1000, { messages: 1 }),
  };
});

/** Sequences that are not UTF-8: overlong forms, surrogates, beyond U+10FFFF, stray bytes. */
const INVALID: ReadonlyArray<readonly [string, number[]]> = [
  ['overlong "/" (C0 AF)', [0xc0, 0xaf]],
  ['overlong "/" in 3 bytes', [0xe0, 0x80, 0xaf]],
  ['overlong "/" in 4 bytes', [0xf0, 0x80, 0x80, 0xaf]],
  ['a lone continuation byte 80', [0x80]],
  ['a lone continuation byte BF', [0xbf]],
  ['a 2-byte start followed by a space', [0xc3, 0x20]],
  ['byte FE', [0xfe]],
  ['byte FF', [0xff]],
  ['surrogate U+D800', [0xed, 0xa0, 0x80]],
  ['surrogate U+DFFF', [0xed, 0xbf, 0xbf]],
  ['a surrogate pair in CESU-8', [0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9]],
  ['U+110000 (above the range)', [0xf4, 0x90, 0x80, 0x80]],
  ['start byte F5', [0xf5, 0x80, 0x80, 0x80]],
  ['a 5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['a 6-byte form', [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80]],
];

const invalidCases: ConformanceCase[] = [
  {
    id: '6.4.1',
    category: CATEGORY,
    title: '"κόσμε" + a surrogate + "edited" in one frame',
    script: provokes([text(SURROGATE_IN_KOSME)]),
    expect: invalid({ messages: 0 }),
  },
  {
    id: '6.4.2',
    category: CATEGORY,
    title: 'the same, one byte per fragment',
    script: provokes(byteFragments(SURROGATE_IN_KOSME)),
    expect: invalid({ messages: 0 }),
  },
  ...INVALID.map(
    ([name, seq], i): ConformanceCase => ({
      id: `6.4.${i + 3}`,
      category: CATEGORY,
      title: `${name} inside a text message`,
      script: provokes([text(Buffer.concat([Buffer.from('ab'), Buffer.from(seq), Buffer.from('cd')]))]),
      expect: invalid({ messages: 0 }),
    }),
  ),
  {
    id: '6.4.18',
    category: CATEGORY,
    title: 'a text message that ends inside a 2-byte sequence',
    script: provokes([text(Buffer.concat([Buffer.from('κόσμ'), Buffer.from([0xce])]))]),
    expect: invalid({ messages: 0 }),
  },
  {
    id: '6.4.19',
    category: CATEGORY,
    title: 'a fragmented text message whose last fragment ends inside a 4-byte sequence',
    script: provokes([text('😀', { fin: false }), cont([0xf0, 0x9f, 0x98])]),
    expect: invalid({ messages: 0 }),
  },
];

/**
 * Fail-fast (Autobahn 6.4.x): the invalid bytes arrive, the rest is withheld until the client has
 * failed the connection. A client that waits for the end of the frame or message never sends its
 * close frame, and the case fails on the deadline.
 */
function failFast(id: string, title: string, pieces: readonly Buffer[]): ConformanceCase {
  return {
    id,
    category: CATEGORY,
    title: `fail-fast: ${title}; the rest is never sent`,
    script: async (s) => {
      await s.writeEach(pieces);
      await s.awaitClose(3_000);
    },
    expect: invalid({ messages: 0 }),
  };
}

const TOO_HIGH = Buffer.from([0xf4, 0x90, 0x80, 0x80]);
const WHOLE = Buffer.concat([KOSME, TOO_HIGH, EDITED]);
const header = (): Buffer => text(WHOLE).subarray(0, 2);

const failFastCases: ConformanceCase[] = [
  failFast('6.5.1', 'frame 1 "κόσμε" (no FIN), frame 2 U+110000 (no FIN)', [text(KOSME, { fin: false }), cont(TOO_HIGH, { fin: false })]),
  failFast('6.5.2', 'frame 1 "κόσμε" + F4 (no FIN), frame 2 the invalid 90 (no FIN)', [
    text(Buffer.concat([KOSME, TOO_HIGH.subarray(0, 1)]), { fin: false }),
    cont(TOO_HIGH.subarray(1, 2), { fin: false }),
  ]),
  failFast('6.5.3', 'one frame: header, "κόσμε" and U+110000 written, "edited" withheld', [
    header(),
    Buffer.concat([KOSME, TOO_HIGH]),
  ]),
  failFast('6.5.4', 'one frame: header and "κόσμε" + F4, then the invalid 90 alone, the rest withheld', [
    header(),
    Buffer.concat([KOSME, TOO_HIGH.subarray(0, 1)]),
    TOO_HIGH.subarray(1, 2),
  ]),
  failFast('6.5.5', 'one frame announcing 1 MiB: a lone continuation byte in its first 10 bytes', [
    text(Buffer.alloc(0), { length: 1024 * 1024 }),
    Buffer.from('abcdefghi\x80', 'latin1'),
  ]),
  failFast(
    '6.5.6',
    'one frame written in 1-byte chops up to the invalid byte, the rest withheld',
    chop(Buffer.concat([header(), KOSME, TOO_HIGH.subarray(0, 2)]), 1),
  ),
];

export const UTF8_CASES: readonly ConformanceCase[] = [...valid, ...boundaries, ...invalidCases, ...failFastCases];
