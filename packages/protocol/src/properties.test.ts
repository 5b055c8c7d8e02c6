// Property tests (fast-check): whatever the messages, sizes, fragmentation and chunking, what a
// server sends is what the connection delivers; and whatever bytes arrive, the connection either
// delivers frames or fails with a ProtocolError: nothing else escapes, nothing hangs.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

// Property runs do real work (megabytes per run); give them room on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });
import { Opcode } from './constants';
import { ProtocolError } from './errors';
import { concatBytes, opened, readClientFrame, serverFrame } from './test-utils';
import { textEncoder } from './runtime';

type Message = { text: true; data: string } | { text: false; data: Uint8Array };

/** Bytes of a given length from a seed: cheap to make in bulk, unlike element-wise generation. */
function patterned(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((data) => ({ text: true as const, data })),
  fc.uint8Array({ maxLength: 300 }).map((data) => ({ text: false as const, data })),
  fc
    .tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer())
    .map(([n, seed]) => ({ text: false as const, data: patterned(n, seed) })),
  fc
    .tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer())
    .map(([n, seed]) => ({ text: true as const, data: 'é€a𝄞'.repeat(n / 4) + String(seed) })),
);

/** Joins any number of pieces (no spread: thousands of frames would overflow the call stack). */
function joinAll(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Byte-for-byte equality, fast enough for megabytes (deep equality walks them element by element). */
function sameData(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The message as frames: split into `parts` fragments, with a ping before the last one. */
function framesOf(m: Message, parts: number, ping: boolean): Uint8Array[] {
  const bytes = m.text ? textEncoder.encode(m.data) : m.data;
  const size = Math.max(1, Math.ceil(bytes.length / parts));
  const frames: Uint8Array[] = [];
  let offset = 0;
  do {
    const end = Math.min(bytes.length, offset + size);
    const opcode = offset === 0 ? (m.text ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
    if (ping && end === bytes.length && offset > 0) frames.push(serverFrame(Opcode.Ping, new Uint8Array([1, 2])));
    frames.push(serverFrame(opcode, bytes.subarray(offset, end), end === bytes.length));
    offset = end;
  } while (offset < bytes.length);
  return frames;
}

/** Cuts a byte stream at the given points (any order, any count). */
function chunk(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    out.push(stream.subarray(last, p));
    last = p;
  }
  out.push(stream.subarray(last));
  return out;
}

/**
 * Feeds pieces as a socket's reused read buffer would: copied into one buffer, passed with
 * `reused`, then written over before the next read, so a view kept by mistake shows up as garbage.
 */
function feedReused(conn: { receive(chunk: Uint8Array, reused?: boolean): void }, pieces: Uint8Array[]): void {
  const buffer = new Uint8Array(Math.max(1, ...pieces.map((p) => p.length)));
  for (const piece of pieces) {
    buffer.set(piece);
    conn.receive(buffer.subarray(0, piece.length), true);
    buffer.fill(0xee);
  }
}

describe('properties of the receiving side', () => {
  for (const reused of [false, true]) {
    it(`delivers any messages, fragmented any way, under any chunking${reused ? ', from a reused read buffer' : ''}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(message, fc.integer({ min: 1, max: 6 }), fc.boolean()), { maxLength: 6 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          (plan, cuts) => {
            const stream = concatBytes(...plan.flatMap(([m, parts, ping]) => framesOf(m, parts, ping)));
            const d = opened();
            if (reused) feedReused(d.conn, chunk(stream, cuts));
            else for (const piece of chunk(stream, cuts)) d.conn.receive(piece);
            expect(d.of('error')).toEqual([]);
            const got = d.of('message').map((e) => e.data);
            expect(got).toHaveLength(plan.length);
            plan.forEach(([m], i) => expect(sameData(got[i]!, m.data), `message ${i}`).toBe(true));
            for (const ping of d.of('ping')) expect([...ping.data]).toEqual([1, 2]);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('delivers a message byte by byte', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 4 }), (m, parts) => {
        const stream = concatBytes(...framesOf(m.text ? m : { text: false, data: m.data.subarray(0, 3000) }, parts, true));
        const d = opened();
        for (let i = 0; i < stream.length; i++) d.conn.receive(stream.subarray(i, i + 1));
        expect(d.of('message')).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });

  it('delivers messages of several MiB intact, also from a reused read buffer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 << 20, max: 6 << 20 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (n, parts, cuts, reused) => {
        const data = patterned(n, n);
        const d = opened();
        const pieces = chunk(concatBytes(...framesOf({ text: false, data }, parts, false)), cuts);
        if (reused) feedReused(d.conn, pieces);
        else for (const piece of pieces) d.conn.receive(piece);
        expect(sameData(d.of('message')[0]!.data, data)).toBe(true);
      }),
      { numRuns: 8 },
    );
  });

  it('answers arbitrary bytes only with frames or a ProtocolError, and stops after the error', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 40 }), (chunks) => {
        const d = opened({ maxPayload: 1 << 16 });
        for (const c of chunks) d.conn.receive(c);
        const errors = d.of('error');
        expect(errors.length).toBeLessThanOrEqual(1);
        for (const e of errors) expect(e.error).toBeInstanceOf(ProtocolError);
        const errorAt = d.events.findIndex((e) => e.type === 'error');
        if (errorAt >= 0) expect(d.events.slice(errorAt + 1).map((e) => e.type)).toEqual(['close']);
      }),
      { numRuns: 400 },
    );
  });

  it('answers mutated valid streams only with frames or a ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (messages, mutations, cuts) => {
          const stream = concatBytes(...messages.flatMap((m) => framesOf(m, 2, true))).slice();
          for (const [at, value] of mutations) stream[at % stream.length] = value;
          const d = opened();
          for (const piece of chunk(stream, cuts)) d.conn.receive(piece);
          for (const e of d.of('error')) expect(e.error).toBeInstanceOf(ProtocolError);
        },
      ),
      { numRuns: 200 },
    );
  });
});

declare const process: { memoryUsage(): { arrayBuffers: number } };

describe('no allocation from an untrusted length', () => {
  it('keeps memory to what arrived when a header announces a huge payload', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 << 20, max: 90 << 20 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), (announced, sent, reused) => {
        const header = new Uint8Array([0x82, 127, 0, 0, 0, 0, announced >>> 24, (announced >>> 16) & 0xff, (announced >>> 8) & 0xff, announced & 0xff]);
        const d = opened();
        const before = process.memoryUsage().arrayBuffers;
        d.conn.receive(header, reused);
        for (let i = 0; i < sent; i += 100) d.conn.receive(new Uint8Array(100), reused);
        const grown = process.memoryUsage().arrayBuffers - before;
        expect(grown).toBeLessThan(512 * 1024);
        expect(d.of('message')).toHaveLength(0);
      }),
      { numRuns: 25 },
    );
  });
});

describe('properties of the sending side', () => {
  it('round-trips any message through masking and fragmentation', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 70_000 }), (m, size) => {
        // Any fragment size, down to 1 byte, but never more than about 2,000 frames per message.
        const length = m.text ? textEncoder.encode(m.data).length : m.data.length;
        const fragmentSize = size === 0 ? 0 : Math.max(size, Math.ceil(length / 2000));
        const d = opened({ fragmentSize });
        if (m.text) d.conn.sendText(m.data);
        else d.conn.sendBinary(m.data);
        const frames = d.written.map(readClientFrame);
        expect(frames.at(-1)!.fin).toBe(true);
        expect(frames.slice(0, -1).every((f) => !f.fin)).toBe(true);
        expect(frames.slice(1).every((f) => f.opcode === Opcode.Continuation)).toBe(true);
        const payload = joinAll(frames.map((f) => f.payload));
        expect(sameData(payload, m.text ? textEncoder.encode(m.data) : m.data)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
