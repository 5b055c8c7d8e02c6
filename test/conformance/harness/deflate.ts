import zlib from 'node:zlib';

// The server's half of permessage-deflate (RFC 7692 §7.2) for scripted cases: compress what the
// server sends, inflate what the client sends, with or without context takeover and with the
// window sizes the case negotiated. A client that keeps context it promised to drop, or uses a
// larger window than agreed, shows up as an inflate error here ("invalid distance too far back").

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

function flushThrough(stream: zlib.DeflateRaw | zlib.InflateRaw, input: readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    const onError = (error: Error): void => {
      stream.off('data', onData);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('error', onError);
    for (const piece of input) stream.write(piece);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', onError);
      resolve(Buffer.concat(chunks));
    });
  });
}

abstract class Codec<S extends zlib.DeflateRaw | zlib.InflateRaw> {
  private stream: S | null = null;

  constructor(
    protected readonly windowBits: number,
    private readonly noContextTakeover: boolean,
  ) {}

  protected abstract create(): S;

  protected async run(input: readonly Buffer[]): Promise<Buffer> {
    if (this.noContextTakeover) this.close();
    const stream = (this.stream ??= this.create());
    try {
      return await flushThrough(stream, input);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  close(): void {
    this.stream?.close();
    this.stream = null;
  }
}

export class ServerDeflater extends Codec<zlib.DeflateRaw> {
  protected create(): zlib.DeflateRaw {
    return zlib.createDeflateRaw({ windowBits: this.windowBits, level: 9 });
  }

  /** Compressed payload for one message, the trailing 00 00 ff ff removed (§7.2.1). */
  async compress(data: Buffer): Promise<Buffer> {
    const out = await this.run([data]);
    return out.subarray(out.length - 4).equals(TAIL) ? out.subarray(0, out.length - 4) : out;
  }
}

export class ServerInflater extends Codec<zlib.InflateRaw> {
  protected create(): zlib.InflateRaw {
    return zlib.createInflateRaw({ windowBits: this.windowBits });
  }

  /** Inflates one message's payload (§7.2.2: the tail appended first). */
  inflate(data: Buffer): Promise<Buffer> {
    return this.run([data, TAIL]);
  }
}

/** Raw DEFLATE of `data` in one go, tail removed: for payloads that need no shared context. */
export function deflateOnce(data: Buffer, windowBits = 15): Buffer {
  const out = zlib.deflateRawSync(data, { windowBits, level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return out.subarray(out.length - 4).equals(TAIL) ? out.subarray(0, out.length - 4) : out;
}
