// Frames as a misbehaving server writes them (RFC 6455 §5.2), with every field under the script's
// control: FIN, the three RSV bits, any opcode, a mask where none belongs, and a payload length
// that says something else than the payload, and the parser for what the client sends back.

export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSpec {
  readonly fin?: boolean;
  /** RSV1-3 as a 3-bit number: 4 is RSV1, 2 is RSV2, 1 is RSV3. */
  readonly rsv?: number;
  /** Mask the payload with this key (servers must not: §5.1). */
  readonly mask?: Uint8Array;
  /** Announce this length instead of the payload's own (for truncated or lying frames). */
  readonly length?: bigint | number;
}

export type Bytes = Uint8Array;

export function bytes(data: string | Bytes | readonly number[]): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(data as Uint8Array);
}

/** One frame: header (2, 4 or 10 bytes, plus a mask key when masked) and payload. */
export function frame(opcode: number, payload: string | Bytes | readonly number[] = [], spec: FrameSpec = {}): Buffer {
  const data = bytes(payload);
  const fin = spec.fin ?? true;
  const length = BigInt(spec.length ?? data.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const maskBit = spec.mask === undefined ? 0 : 0x80;
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 0x10000n) head.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    head.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn));
  }
  let body = data;
  if (spec.mask !== undefined) {
    head.push(...spec.mask);
    body = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ spec.mask[i % 4]!;
  }
  return Buffer.concat([Buffer.from(head), body]);
}

export const text = (payload: string | Bytes | readonly number[], spec?: FrameSpec): Buffer => frame(OP.text, payload, spec);
export const binary = (payload: string | Bytes | readonly number[], spec?: FrameSpec): Buffer => frame(OP.binary, payload, spec);
export const cont = (payload: string | Bytes | readonly number[], spec?: FrameSpec): Buffer => frame(OP.cont, payload, spec);
export const ping = (payload: string | Bytes | readonly number[] = [], spec?: FrameSpec): Buffer => frame(OP.ping, payload, spec);
export const pong = (payload: string | Bytes | readonly number[] = [], spec?: FrameSpec): Buffer => frame(OP.pong, payload, spec);

/** A close frame with a code and reason; `close()` alone has an empty payload. */
export function close(code?: number, reason: string | Bytes = '', spec?: FrameSpec): Buffer {
  if (code === undefined) return frame(OP.close, [], spec);
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), bytes(reason)]);
  return frame(OP.close, payload, spec);
}

/** A frame the client sent, unmasked. */
export interface ClientFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  /** The masking key in hex, "" when unmasked. */
  readonly maskKey: string;
  readonly payload: Buffer;
}

/** Parses the client's byte stream into frames; `push` returns the frames completed by a chunk. */
export class ClientFrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ClientFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: ClientFrame[] = [];
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b[1]! & 0x80) !== 0;
      const end = offset + (masked ? 4 : 0) + length;
      if (b.length < end) break;
      const payload = Buffer.from(b.subarray(end - length, end));
      const key = masked ? b.subarray(offset, offset + 4) : Buffer.alloc(0);
      for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i % 4]!;
      frames.push({ fin: (b[0]! & 0x80) !== 0, rsv: (b[0]! >> 4) & 0x7, opcode: b[0]! & 0x0f, masked, maskKey: key.toString('hex'), payload });
      this.buffer = b.subarray(end);
    }
    return frames;
  }
}

/** Splits bytes into pieces of `size` (the last may be shorter). */
export function chop(data: Bytes, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(Buffer.from(data.subarray(i, i + size)));
  return pieces;
}
