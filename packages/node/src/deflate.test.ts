import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PerMessageDeflateAgreement, TetherError } from '@tether/protocol';
import { Compressor, Decompressor } from './deflate';

const agreement = (overrides: Partial<PerMessageDeflateAgreement> = {}): PerMessageDeflateAgreement => ({
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
  ...overrides,
});

function run(codec: (data: Uint8Array, done: (e: TetherError | null, out?: Buffer) => void) => void, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => codec(data, (error, out) => (error === null ? resolve(out!) : reject(error))));
}

/** What a server sends: raw deflate with a sync flush, tail removed (RFC 7692 §7.2.1). */
function serverDeflate(stream: zlib.DeflateRaw, data: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer): number => chunks.push(c);
    stream.on('data', onData);
    stream.write(data);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      const out = Buffer.concat(chunks);
      resolve(out.subarray(0, out.length - 4));
    });
  });
}

describe('Compressor', () => {
  it('produces what inflateRaw reads back once the tail is added, keeping context between messages', async () => {
    const compressor = new Compressor(agreement(), 6, 8);
    const inflate = zlib.createInflateRaw();
    const message = Buffer.from('hello hello hello '.repeat(50));
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await run((d, cb) => compressor.compress(d, cb), message);
      expect(out.subarray(-4).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(false);
      sizes.push(out.length);
      const back = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        const onData = (c: Buffer): number => chunks.push(c);
        inflate.on('data', onData);
        inflate.write(Buffer.concat([out, Buffer.from([0, 0, 0xff, 0xff])]));
        inflate.flush(() => {
          inflate.off('data', onData);
          resolve(Buffer.concat(chunks));
        });
      });
      expect(back.equals(message)).toBe(true);
    }
    // With context takeover the repeats cost less than the first message.
    expect(sizes[1]).toBeLessThan(sizes[0]!);
    compressor.close();
    inflate.close();
  });

  it('without client context takeover every message compresses the same', async () => {
    const compressor = new Compressor(agreement({ clientNoContextTakeover: true }), 6, 8);
    const message = Buffer.from('abcdefgh'.repeat(100));
    const first = await run((d, cb) => compressor.compress(d, cb), message);
    const second = await run((d, cb) => compressor.compress(d, cb), message);
    expect(second.equals(first)).toBe(true);
    compressor.close();
  });

  it('is unusable when the client window is 8 bits', () => {
    expect(new Compressor(agreement({ clientMaxWindowBits: 8 }), 6, 8).usable).toBe(false);
    expect(new Compressor(agreement({ clientMaxWindowBits: 9 }), 6, 8).usable).toBe(true);
  });
});

describe('Decompressor', () => {
  it('inflates a server stream with context takeover', async () => {
    const server = zlib.createDeflateRaw();
    const decompressor = new Decompressor(agreement(), 1 << 20);
    for (const text of ['first message', 'first message again', 'and first message once more']) {
      const wire = await serverDeflate(server, Buffer.from(text));
      expect((await run((d, cb) => decompressor.decompress(d, cb), wire)).toString()).toBe(text);
    }
    server.close();
    decompressor.close();
  });

  it('stops a decompression bomb at maxPayload with PAYLOAD_TOO_LARGE / 1009', async () => {
    const limit = 1024 * 1024;
    let collected = 0;
    class Counting extends Decompressor {
      protected override collect(chunk: Buffer): void {
        super.collect(chunk);
        collected = Math.max(collected, this.length);
      }
    }
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    const decompressor = new Counting(agreement(), limit);
    const error = await run((d, cb) => decompressor.decompress(d, cb), bomb).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_PAYLOAD_TOO_LARGE', closeCode: 1009 });
    expect(collected).toBeLessThanOrEqual(limit);
  });

  it('reports data that is not DEFLATE as EXTENSION_FAILED / 1007', async () => {
    const decompressor = new Decompressor(agreement(), 1 << 20);
    const error = await run((d, cb) => decompressor.decompress(d, cb), Buffer.from([0xff, 0xff, 0xff])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EXTENSION_FAILED', closeCode: 1007 });
  });

  it('a message in progress when closed never calls back', async () => {
    const decompressor = new Decompressor(agreement(), 1 << 20);
    let called = false;
    decompressor.decompress(zlib.deflateRawSync(Buffer.from('x')), () => (called = true));
    decompressor.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(called).toBe(false);
  });
});
