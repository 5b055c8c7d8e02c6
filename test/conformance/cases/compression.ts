import { randomBytes } from 'node:crypto';
import type { WebSocketOptions } from '@tether/node';
import { ErrorCode } from '@tether/node';
import { deflateOnce } from '../harness/deflate';
import { cleanClose, echoes, fails, failsProtocol, provokes } from '../harness/expect';
import { binary, close, cont, ping, text } from '../harness/frames';
import type { ConformanceCase } from '../harness/run-case';
import { respond, type ServerDeflate, type ServerSide } from '../harness/scripted-server';

// permessage-deflate (RFC 7692) in the style of Autobahn TestSuite categories 12 and 13: compressed
// round trips of many sizes with context takeover, each negotiable parameter (the server inflates
// the client's echoes with exactly the window and context it agreed to, so a client that breaks
// the agreement fails the case), and bad uses of RSV1 and of compressed data.

const CATEGORY = 'Compression';
/** The client compresses every echo (threshold 0), so its compressor is exercised too. */
const COMPRESS_ALL: WebSocketOptions = { perMessageDeflate: { threshold: 0 } };

type Message = string | Buffer;

/** Compressible text of `size` bytes, different for each `seed`. */
function prose(size: number, seed: number): string {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'κόσμε', '😀'];
  const parts: string[] = [];
  for (let i = 0, length = 0; length < size; i++) {
    const word = `${words[(i * 7 + seed) % words.length]} `;
    parts.push(word);
    length += Buffer.byteLength(word);
  }
  const bytes = Buffer.from(parts.join('')).subarray(0, size);
  // Cut back to a whole character.
  let end = size;
  while (end > 0 && (bytes[end] ?? 0) >> 6 === 2) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Compressible binary: bytes from a small alphabet. */
function pattern(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => ((i * i + seed) % 17) * 13));
}

/** 3000 random hex characters twice: the second half refers back 3000 bytes, past a 9-bit window. */
function farRepeat(): string {
  const half = randomBytes(1500).toString('hex');
  return half + half;
}

/** Sends each message compressed (RSV1), checks the echo (compressed, unless `uncompressedOk`), then closes. */
function roundTrips(messages: () => readonly Message[], uncompressedOk = false) {
  return async (s: ServerSide): Promise<void> => {
    for (const message of messages()) {
      await s.write(frameOf(message, await s.compress(message)));
      const echo = await s.expectEcho(message);
      if (!echo.compressed && !uncompressedOk) throw new Error('the client sent its echo uncompressed though its threshold is 0');
    }
    await s.closeNormally();
  };
}

function frameOf(message: Message, payload: Buffer): Buffer {
  return typeof message === 'string' ? text(payload, { rsv: 4 }) : binary(payload, { rsv: 4 });
}

const SIZES = [16, 64, 256, 1024, 4096, 16_384, 65_536, 131_072];

const sizes: ConformanceCase[] = [
  ...([
    [1, 'text', prose],
    [2, 'binary', pattern],
  ] as const).flatMap(([group, kind, make]) =>
    SIZES.map(
      (size, i): ConformanceCase => ({
        id: `12.${group}.${i + 1}`,
        category: CATEGORY,
        title: `5 compressed ${kind} messages of ${size} bytes, context takeover both ways`,
        options: COMPRESS_ALL,
        deflate: { header: 'permessage-deflate' },
        script: roundTrips(() => Array.from({ length: 5 }, (_, seed) => make(size, seed))),
        expect: cleanClose(1000, { messages: 5 }),
      }),
    ),
  ),
  {
    id: '12.3.1',
    category: CATEGORY,
    title: '50 similar 200-byte messages, each compressed against the ones before',
    options: COMPRESS_ALL,
    deflate: { header: 'permessage-deflate' },
    script: roundTrips(() => Array.from({ length: 50 }, (_, seed) => prose(200, seed % 3))),
    expect: cleanClose(1000, { messages: 50 }),
  },
];

interface Negotiation {
  readonly title: string;
  readonly header: string;
  readonly server: ServerDeflate;
  readonly options?: WebSocketOptions;
  /** The offer must contain this (a parameter the client was told to offer). */
  readonly offer?: RegExp;
  readonly uncompressedOk?: boolean;
}

const NEGOTIATIONS: readonly Negotiation[] = [
  { title: 'no parameters', header: 'permessage-deflate', server: {} },
  { title: 'server_no_context_takeover', header: 'permessage-deflate; server_no_context_takeover', server: { serverNoContextTakeover: true } },
  { title: 'client_no_context_takeover', header: 'permessage-deflate; client_no_context_takeover', server: { clientNoContextTakeover: true } },
  { title: 'server_max_window_bits=9', header: 'permessage-deflate; server_max_window_bits=9', server: { serverWindowBits: 9 } },
  { title: 'client_max_window_bits=9', header: 'permessage-deflate; client_max_window_bits=9', server: { clientWindowBits: 9 } },
  {
    title: 'all four: no context takeover and 9-bit windows both ways',
    header: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9',
    server: { serverNoContextTakeover: true, clientNoContextTakeover: true, serverWindowBits: 9, clientWindowBits: 9 },
  },
  {
    title: 'client_max_window_bits=15; server_max_window_bits=15',
    header: 'permessage-deflate; client_max_window_bits=15; server_max_window_bits=15',
    server: { serverWindowBits: 15, clientWindowBits: 15 },
  },
  {
    title: 'client_max_window_bits=8 (zlib cannot deflate with 8: the client may send uncompressed)',
    header: 'permessage-deflate; client_max_window_bits=8',
    server: { clientWindowBits: 8 },
    uncompressedOk: true,
  },
  {
    title: 'parameters the client offered (no context takeover, 10-bit windows), accepted as offered',
    header: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10',
    server: { serverNoContextTakeover: true, clientNoContextTakeover: true, serverWindowBits: 10, clientWindowBits: 10 },
    options: { perMessageDeflate: { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 10 } },
    offer: /server_no_context_takeover.*client_no_context_takeover.*server_max_window_bits=10.*client_max_window_bits=10/,
  },
];

const negotiations: ConformanceCase[] = NEGOTIATIONS.map((n, i): ConformanceCase => {
  const round = roundTrips(() => {
    // The same far-repeating message three times: with context takeover the 2nd and 3rd refer to the
    // 1st, and every message refers 3000 bytes back within itself.
    const far = farRepeat();
    return [far, far, far, prose(5000, 1), pattern(5000, 2)];
  }, n.uncompressedOk);
  return {
    id: `13.${i + 1}`,
    category: CATEGORY,
    title: `agreed ${n.title}: 5 messages each way`,
    options: n.options ?? COMPRESS_ALL,
    deflate: { header: n.header, server: n.server },
    script: async (s) => {
      const offer = s.request.headers['sec-websocket-extensions'] ?? '';
      if (n.offer !== undefined && !n.offer.test(offer)) throw new Error(`the offer was ${JSON.stringify(offer)}`);
      await round(s);
    },
    expect: cleanClose(1000, { messages: 5 }),
  };
});

const AGREED = { header: 'permessage-deflate' } as const;

/** A case with permessage-deflate agreed without parameters and a client that compresses every echo. */
function agreed(c: Omit<ConformanceCase, 'category'>): ConformanceCase {
  return { category: CATEGORY, options: COMPRESS_ALL, deflate: AGREED, ...c };
}

const THREE_FRAMES = prose(3000, 4);
const CHOPPED = prose(300, 5);
const FULL = Buffer.alloc(64 * 1024, 0x41);
const RANDOM = randomBytes(64 * 1024);

const misuse: ConformanceCase[] = [
  agreed({
    id: '12.4.1',
    title: 'a compressed message in 3 frames, RSV1 on the first only',
    script: echoes(async (s) => {
      const payload = await s.compress(THREE_FRAMES);
      return [text(payload.subarray(0, 10), { rsv: 4, fin: false }), cont(payload.subarray(10, 20), { fin: false }), cont(payload.subarray(20))];
    }, [THREE_FRAMES]),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.2',
    title: 'a compressed message written in 1-byte chops',
    script: echoes(async (s) => [text(await s.compress(CHOPPED), { rsv: 4 })], [CHOPPED], 1),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.3',
    title: 'an uncompressed message (RSV1 clear) while permessage-deflate is agreed',
    script: echoes([text('plain text')], ['plain text']),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.4',
    title: 'an empty compressed message (payload 00, RFC 7692 §7.2.3.6)',
    script: echoes([text([0x00], { rsv: 4 })], ['']),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.5',
    title: 'a compressed message inflating to exactly maxPayload (64 KiB)',
    options: { perMessageDeflate: { threshold: 0 }, maxPayload: FULL.length },
    script: echoes(async () => [binary(deflateOnce(FULL), { rsv: 4 })], [FULL]),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.6',
    title: 'an incompressible message of exactly maxPayload (its compressed payload is a little larger)',
    options: { perMessageDeflate: { threshold: 0 }, maxPayload: RANDOM.length },
    script: echoes(async () => [binary(deflateOnce(RANDOM), { rsv: 4 })], [RANDOM]),
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.7',
    title: 'a compressed message in 2 frames with a ping between them',
    script: async (s) => {
      const payload = await s.compress(THREE_FRAMES);
      await s.write(text(payload.subarray(0, 20), { rsv: 4, fin: false }), ping('between'), cont(payload.subarray(20)));
      if ((await s.pong()).toString() !== 'between') throw new Error('the pong did not carry the ping payload');
      await s.expectEcho(THREE_FRAMES);
      await s.closeNormally();
    },
    expect: cleanClose(1000, { messages: 1 }),
  }),
  agreed({
    id: '12.4.8',
    title: 'two compressed messages and a close frame, then the FIN at once (a server closing after its last words)',
    script: async (s) => {
      await s.write(text(await s.compress(CHOPPED), { rsv: 4 }), text(await s.compress(CHOPPED), { rsv: 4 }), close(1000, 'last words'));
      s.end();
      await s.awaitClose();
    },
    expect: cleanClose(1000, { messages: 2, close: { code: 1000, wasClean: true, reason: 'last words' } }),
  }),
  agreed({
    id: '12.5.1',
    title: 'RSV1 on a continuation frame',
    script: provokes(async (s) => {
      const payload = await s.compress(prose(3000, 6));
      return [text(payload.subarray(0, 10), { rsv: 4, fin: false }), cont(payload.subarray(10), { rsv: 4 })];
    }),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 0 }),
  }),
  agreed({
    id: '12.5.2',
    title: 'RSV1 on a ping',
    script: provokes([ping('compressed?', { rsv: 4 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS),
  }),
  {
    id: '12.5.3',
    category: CATEGORY,
    title: 'RSV1 on a text frame when the server declined the offer',
    options: COMPRESS_ALL,
    handshake: (request) => respond(request),
    script: provokes([text(deflateOnce(Buffer.from('Hello')), { rsv: 4 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 0 }),
  },
  {
    id: '12.5.4',
    category: CATEGORY,
    title: 'RSV1 on a text frame when the client offered nothing',
    options: { perMessageDeflate: false },
    script: provokes([text(deflateOnce(Buffer.from('Hello')), { rsv: 4 })]),
    expect: failsProtocol(ErrorCode.RESERVED_BITS, { messages: 0 }),
  },
  agreed({
    id: '12.5.5',
    title: 'RSV1 on data that is not DEFLATE',
    script: provokes([binary(Buffer.alloc(32, 0xff), { rsv: 4 })]),
    expect: fails(ErrorCode.EXTENSION_FAILED, 1007, { messages: 0 }),
  }),
  agreed({
    id: '12.5.6',
    title: 'a compressed text message that inflates to invalid UTF-8',
    script: provokes([text(deflateOnce(Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62])), { rsv: 4 })]),
    expect: fails(ErrorCode.INVALID_UTF8, 1007, { messages: 0 }),
  }),
  agreed({
    id: '12.5.7',
    title: 'a decompression bomb: 64 KiB on the wire inflating to 64 MiB, maxPayload 1 MiB',
    options: { perMessageDeflate: { threshold: 0 }, maxPayload: 1024 * 1024 },
    script: provokes(async () => [binary(deflateOnce(Buffer.alloc(64 * 1024 * 1024)), { rsv: 4 })]),
    expect: fails(ErrorCode.PAYLOAD_TOO_LARGE, 1009, { messages: 0 }),
  }),
];

export const COMPRESSION_CASES: readonly ConformanceCase[] = [...sizes, ...negotiations, ...misuse];
