/** The fixed part of a frame header (RFC 6455 §5.2), as the parser read it. */
export interface FrameHeader {
  fin: boolean;
  /** RSV1-3 as a 3-bit number: RSV1 is 4. */
  rsv: number;
  opcode: number;
  masked: boolean;
  /**
   * Payload length, up to 2^53 - 1; Infinity for a larger 64-bit length, and -1 when the 64-bit
   * length has its most significant bit set, which RFC 6455 §5.2 forbids.
   */
  length: number;
}

/** What the parser calls as a frame goes by. Each callback returns false to stop the parser. */
export interface FrameSink {
  /**
   * A header is complete; the sink validates it before any payload is read. A client must refuse
   * masked frames here: the parser does not read a masking key.
   */
  onHeader(header: FrameHeader): boolean;
  /** A piece of the payload: a view into the chunk given to `push`, never a copy. */
  onPayload(data: Uint8Array): boolean;
  /** The frame's payload is complete (the only call for an empty payload). */
  onFrameEnd(): boolean;
}

const enum State {
  Header,
  Length16,
  Length64,
  Payload,
  Stopped,
}

/**
 * A small explicit state loop over the frame header, extended length, masking key and payload. It
 * keeps at most 8 header bytes of its own; payload bytes are handed on as views into the chunks it is
 * given, so a frame that sits inside one chunk is never copied. It never allocates from a length it
 * read. It stops where a sink callback returns false and can be pushed again from there.
 */
export class FrameParser {
  private state = State.Header;
  /** Header bytes that arrived split across chunks (allocated the first time that happens). */
  private scratchBytes: Uint8Array | undefined;
  private have = 0;
  private header: FrameHeader = { fin: false, rsv: 0, opcode: 0, masked: false, length: 0 };
  private remaining = 0;

  constructor(private readonly sink: FrameSink) {}

  private get scratch(): Uint8Array {
    return (this.scratchBytes ??= new Uint8Array(8));
  }

  /** Stops the parser for good: nothing more is read. */
  stop(): void {
    this.state = State.Stopped;
  }

  get stopped(): boolean {
    return this.state === State.Stopped;
  }

  /** Payload bytes of the current frame still to come (0 between frames). */
  get payloadLeft(): number {
    return this.state === State.Payload ? this.remaining : 0;
  }

  /**
   * Feeds a chunk. Returns the offset where parsing stopped: the chunk's length when it was used
   * up, less when a sink callback asked to stop.
   */
  push(chunk: Uint8Array): number {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Header: {
          if (this.have === 0 && n - i >= 2) {
            if (!this.readBase(chunk[i]!, chunk[i + 1]!)) return i + 2;
            i += 2;
          } else {
            this.scratch[this.have++] = chunk[i++]!;
            if (this.have === 2) {
              this.have = 0;
              if (!this.readBase(this.scratch[0]!, this.scratch[1]!)) return i;
            }
          }
          break;
        }
        case State.Length16:
        case State.Length64: {
          const need = this.state === State.Length16 ? 2 : 8;
          let s: Uint8Array;
          let at = 0;
          if (this.have === 0 && n - i >= need) {
            // The whole extended length is in this chunk: read it in place.
            s = chunk;
            at = i;
            i += need;
          } else {
            while (this.have < need && i < n) this.scratch[this.have++] = chunk[i++]!;
            if (this.have < need) return i;
            this.have = 0;
            s = this.scratch;
          }
          if (need === 2) {
            this.header.length = (s[at]! << 8) | s[at + 1]!;
          } else {
            const high = ((s[at]! << 24) | (s[at + 1]! << 16) | (s[at + 2]! << 8) | s[at + 3]!) >>> 0;
            const low = ((s[at + 4]! << 24) | (s[at + 5]! << 16) | (s[at + 6]! << 8) | s[at + 7]!) >>> 0;
            // The most significant bit must be 0 (§5.2); past 2^53 the exact value no longer matters.
            this.header.length = high >= 0x80000000 ? -1 : high > 0x1fffff ? Infinity : high * 0x100000000 + low;
          }
          if (!this.headerDone()) return i;
          break;
        }
        case State.Payload: {
          const take = Math.min(this.remaining, n - i);
          const piece = i === 0 && take === n ? chunk : chunk.subarray(i, i + take);
          i += take;
          this.remaining -= take;
          if (!this.sink.onPayload(piece)) return i;
          if (this.remaining === 0) {
            this.state = State.Header;
            if (!this.sink.onFrameEnd()) return i;
          }
          break;
        }
        case State.Stopped:
          return i;
      }
    }
    return i;
  }

  private readBase(b0: number, b1: number): boolean {
    const h = this.header;
    h.fin = (b0 & 0x80) !== 0;
    h.rsv = (b0 >>> 4) & 0x7;
    h.opcode = b0 & 0x0f;
    h.masked = (b1 & 0x80) !== 0;
    const len = b1 & 0x7f;
    if (len === 126) {
      this.state = State.Length16;
      return true;
    }
    if (len === 127) {
      this.state = State.Length64;
      return true;
    }
    h.length = len;
    return this.headerDone();
  }

  private headerDone(): boolean {
    if (!this.sink.onHeader(this.header)) return false;
    this.remaining = this.header.length;
    if (this.remaining > 0) {
      this.state = State.Payload;
      return true;
    }
    this.state = State.Header;
    return this.sink.onFrameEnd();
  }
}
