import zlib from 'node:zlib';
import {
  CloseCode,
  ErrorCode,
  ProtocolError,
  TetherError,
  type PerMessageDeflateAgreement,
} from '@tether/protocol';

// permessage-deflate (RFC 7692) with node:zlib. Negotiation lives in the core; this file only
// compresses and decompresses, one message at a time per direction, keeping the LZ77 context between
// messages unless the agreement says otherwise (§7.1.1).

/** The four bytes a DEFLATE block ends with after Z_SYNC_FLUSH, removed on the wire (§7.2.1). */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

type Done<T> = (error: TetherError | null, result?: T) => void;

function concat(chunks: Buffer[], length: number): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/** One zlib stream used for one message at a time, with the output of the current message. */
abstract class MessageCodec<S extends zlib.DeflateRaw | zlib.InflateRaw> {
  protected stream: S | null = null;
  protected chunks: Buffer[] = [];
  protected length = 0;
  protected pending: Done<Buffer> | null = null;

  protected abstract create(): S;
  protected abstract failure(cause: Error): TetherError;

  protected open(): S {
    const stream = this.create();
    stream.on('data', (chunk: Buffer) => this.collect(chunk));
    stream.on('error', (cause: Error) => this.finish(this.failure(cause)));
    this.stream = stream;
    return stream;
  }

  protected collect(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Writes the pieces and flushes; `complete` receives the output once zlib has produced it all. */
  protected run(pieces: readonly Uint8Array[], done: Done<Buffer>, complete: (stream: S, out: Buffer) => Buffer): void {
    const stream = this.stream ?? this.open();
    this.pending = done;
    for (const piece of pieces) stream.write(piece);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      if (this.pending === null || this.stream !== stream) return;
      this.finish(null, complete(stream, concat(this.chunks, this.length)));
    });
  }

  protected finish(error: TetherError | null, out?: Buffer): void {
    const done = this.pending;
    this.pending = null;
    this.chunks = [];
    this.length = 0;
    if (error !== null) this.close();
    done?.(error, out);
  }

  /** Frees the zlib stream; a message in progress is dropped without its callback. */
  close(): void {
    const stream = this.stream;
    this.stream = null;
    this.pending = null;
    if (stream === null) return;
    stream.removeAllListeners('data');
    stream.on('error', () => {});
    stream.close();
  }
}

/** Compresses outgoing messages; the caller sends one at a time and waits for each. */
export class Compressor extends MessageCodec<zlib.DeflateRaw> {
  constructor(
    private readonly agreement: PerMessageDeflateAgreement,
    private readonly level: number,
    private readonly memLevel: number,
  ) {
    super();
  }

  /**
   * Whether this side may compress at all: zlib cannot deflate raw data with a window of 8 bits (it
   * silently uses 9), so when the server asked for 8 messages go out uncompressed, which RFC 7692
   * allows message by message.
   */
  get usable(): boolean {
    return this.agreement.clientMaxWindowBits > 8;
  }

  protected create(): zlib.DeflateRaw {
    return zlib.createDeflateRaw({ windowBits: this.agreement.clientMaxWindowBits, level: this.level, memLevel: this.memLevel });
  }

  protected failure(cause: Error): TetherError {
    return new TetherError(ErrorCode.EXTENSION_FAILED, 'compression failed', { cause });
  }

  // RFC 7692 §7.2.1: compress with an empty block flush, then drop its 00 00 ff ff tail.
  compress(data: Uint8Array, done: Done<Buffer>): void {
    this.run([data], done, (stream, out) => {
      // §7.1.1.2: without context takeover, every message starts from an empty window.
      if (this.agreement.clientNoContextTakeover) stream.reset();
      return out.length >= 4 && out.subarray(out.length - 4).equals(TAIL) ? out.subarray(0, out.length - 4) : out;
    });
  }
}

/**
 * Decompresses incoming messages and enforces `maxPayload` on the inflated size as the output
 * comes, so a decompression bomb is stopped after at most one zlib chunk past the limit.
 */
export class Decompressor extends MessageCodec<zlib.InflateRaw> {
  constructor(
    private readonly agreement: PerMessageDeflateAgreement,
    private readonly maxPayload: number,
  ) {
    super();
  }

  protected create(): zlib.InflateRaw {
    // A window at least as large as the server's always inflates its data; 9 bits at the least,
    // because zlib deflates with 9 when asked for 8.
    return zlib.createInflateRaw({ windowBits: Math.max(9, this.agreement.serverMaxWindowBits) });
  }

  protected failure(cause: Error): TetherError {
    return new ProtocolError(ErrorCode.EXTENSION_FAILED, CloseCode.InvalidPayload, 'a compressed message could not be inflated', { cause });
  }

  protected override collect(chunk: Buffer): void {
    if (this.length + chunk.length > this.maxPayload) {
      const limit = this.maxPayload;
      this.finish(new ProtocolError(ErrorCode.PAYLOAD_TOO_LARGE, CloseCode.MessageTooBig, `a compressed message inflates past the ${limit}-byte limit`));
      return;
    }
    super.collect(chunk);
  }

  // RFC 7692 §7.2.2: append 00 00 ff ff to the payload, then inflate.
  decompress(data: Uint8Array, done: Done<Buffer>): void {
    this.run([data, TAIL], done, (stream, out) => {
      // §7.1.1.1: without server context takeover, every message starts from an empty window.
      if (this.agreement.serverNoContextTakeover) stream.reset();
      return out;
    });
  }
}
