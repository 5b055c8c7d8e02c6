// The receive side of a connection once it is open (RFC 6455 §5, §8.1): every frame header is
// checked before its payload is read, data frames are assembled into messages (copying only what
// must outlive a chunk the caller reuses), text is validated as it arrives, and control frames go to
// the connection, which owns the closing handshake. ClientConnection extends this class rather than
// owning a reader: an object of its own would cost every connection its header, a second reference
// to the handler, the allocator, the UTF-8 routines and the frame observer, and a hop on every frame
// (measured: an owned object for the message assembly alone made 16 B to 1 KiB messages 3-6% slower).
import { concat, copyBytes, writePieces } from './bytes';
import { CloseCode, DEFAULTS, Opcode } from './constants';
import type { ConnectionHandler, ConnectionOptions, FrameInfo, Utf8Routines } from './connection-types';
import { ErrorCode, ProtocolError } from './errors';
import { defaultAllocator, type Allocator } from './frame-encoder';
import { FrameParser, type FrameHeader, type FrameSink } from './frame-parser';
import { deflateBound } from './permessage-deflate';
import { textDecoder } from './runtime';
import { Utf8Validator } from './utf8';

const EMPTY = new Uint8Array(0);

/** Short ASCII strings decode faster by hand than through TextDecoder's call overhead. */
function decodeShort(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b >= 0x80) return textDecoder.decode(data);
    s += String.fromCharCode(b);
  }
  return s;
}

function protocolError(code: ErrorCode, closeCode: CloseCode, message: string): ProtocolError {
  return new ProtocolError(code, closeCode, message);
}

/**
 * Frames in, messages out: the connection's frame sink. Every header is checked before its payload
 * is read; data frames are assembled into a message, text validated as it arrives; a compressed
 * message pauses reading until the transport hands it back inflated (`deliverMessage`).
 */
export abstract class MessageReader {
  protected readonly handler: ConnectionHandler;
  protected readonly onFrame: ((frame: FrameInfo) => void) | undefined;
  protected readonly alloc: Allocator | undefined;
  protected readonly utf8: Utf8Routines;
  private readonly maxPayload: number;
  protected readonly parser: FrameParser;
  /** Made for the first text message: a connection that receives none never needs one. */
  private validator: Utf8Validator | undefined = undefined;
  /** Set when permessage-deflate was agreed: RSV1 then marks a compressed message. */
  protected rsv1Allowed = false;

  // The frame being read.
  private frameOpcode = 0;
  private frameFin = false;
  /** The control frame's payload pieces; made only when one has a payload (every connection holds these fields). */
  private controlPieces: Uint8Array[] | null = null;
  // The message being assembled (one or more frames).
  private messageOpcode = 0;
  private messageCompressed = false;
  /** The message's first piece, and the others when it came in several (most come in one). */
  private messageFirst: Uint8Array | undefined = undefined;
  private messageRest: Uint8Array[] | undefined = undefined;
  private messageLength = 0;
  /**
   * The message so far in memory of its own, once its pieces had to outlive a chunk that the
   * caller reuses (`receive(chunk, true)`); later pieces are copied straight in, so a large message
   * is copied once. Sized from what arrived, never from an announced length alone.
   */
  private assembly: Uint8Array | undefined = undefined;
  /** True while a chunk the caller reuses is being read: what is kept of it must be copied. */
  private reused = false;

  // Input held while a compressed message is being decompressed.
  protected pausedValue = false;
  private backlog: Uint8Array[] | null = null;

  constructor(options: ConnectionOptions, handler: ConnectionHandler) {
    this.handler = handler;
    this.onFrame = options.onFrame;
    this.maxPayload = options.maxPayload ?? DEFAULTS.maxPayload;
    this.alloc = options.alloc;
    this.utf8 = options.utf8 ?? {};
    // The connection is its own frame sink (the private onHeader, onPayload and onFrameEnd below):
    // no closures and no sink object kept per connection.
    this.parser = new FrameParser(this as unknown as FrameSink);
  }

  // What the connection does for its reader.

  /** A complete control frame (RFC 6455 §5.5); returns false to stop reading. */
  protected abstract onControl(opcode: number, payload: Uint8Array): boolean;
  /** Fails the connection (RFC 6455 §7.1.7). */
  abstract fail(error: ProtocolError): void;
  protected abstract isClosed(): boolean;

  /**
   * Reads the frames in a chunk, or holds it while a compressed message is out. With `reused`,
   * what is kept of the chunk is copied before this returns (see `ClientConnection.receive`).
   */
  protected readFrames(chunk: Uint8Array, reused: boolean): void {
    if (this.pausedValue) {
      (this.backlog ??= []).push(reused ? copyBytes(chunk, this.alloc) : chunk);
      return;
    }
    this.reused = reused;
    try {
      this.parse(chunk);
    } finally {
      if (reused) this.keepPieces();
      this.reused = false;
    }
  }

  /** Reads nothing more (the connection failed); input held for later is dropped. */
  protected stopReading(): void {
    this.parser.stop();
    this.backlog = null;
    this.pausedValue = false;
  }

  private parse(chunk: Uint8Array): void {
    const used = this.parser.push(chunk);
    if (used < chunk.length && this.pausedValue && !this.parser.stopped) {
      const rest = chunk.subarray(used);
      (this.backlog ??= []).unshift(this.reused ? copyBytes(rest, this.alloc) : rest);
    }
  }

  /** Before a reused chunk goes back to its owner: the pieces of an unfinished frame are copied out. */
  private keepPieces(): void {
    if (this.controlPieces !== null) this.controlPieces = this.controlPieces.map((p) => copyBytes(p, this.alloc));
    const first = this.messageFirst;
    if (first === undefined || this.isClosed()) return;
    const pieces = this.messageRest === undefined ? [first] : [first, ...this.messageRest];
    this.messageFirst = this.messageRest = undefined;
    const assembly = (this.alloc ?? defaultAllocator)(this.assemblyCapacity(this.messageLength));
    writePieces(assembly, pieces);
    this.assembly = assembly;
  }

  /**
   * Room for a message of which `have` bytes are here: at most 16 times that (64 KiB at least), so
   * that memory follows what arrived, and no more than the message can be when its last frame's
   * length is known, or than the limit.
   */
  private assemblyCapacity(have: number): number {
    const limit = this.messageCompressed ? deflateBound(this.maxPayload) : this.maxPayload;
    const total = this.frameFin ? have + this.parser.payloadLeft : limit;
    return Math.max(have, Math.min(total, limit, Math.max(have * 16, 64 * 1024)));
  }

  // ---- Reading frames (RFC 6455 §5) ----

  private onHeader(h: FrameHeader): boolean {
    if (this.onFrame) this.onFrame({ direction: 'in', opcode: h.opcode, fin: h.fin, rsv1: (h.rsv & 4) !== 0, masked: h.masked, length: h.length });
    const opcode = h.opcode;
    const control = (opcode & 0x8) !== 0;
    // §5.2: RSV bits must be 0 unless an extension gives them a meaning; permessage-deflate owns RSV1
    // on the first frame of a data message only (RFC 7692 §6).
    if (h.rsv !== 0) {
      const rsv1Ok = h.rsv === 4 && this.rsv1Allowed && (opcode === Opcode.Text || opcode === Opcode.Binary);
      if (!rsv1Ok) return this.failWith(ErrorCode.RESERVED_BITS, CloseCode.ProtocolError, `reserved bits ${h.rsv} set`);
    }
    if (opcode > Opcode.Binary && !control) return this.failWith(ErrorCode.INVALID_OPCODE, CloseCode.ProtocolError, `unknown opcode ${opcode}`);
    if (control && opcode > Opcode.Pong) return this.failWith(ErrorCode.INVALID_OPCODE, CloseCode.ProtocolError, `unknown opcode ${opcode}`);
    // §5.1: a client MUST close the connection if it detects a masked frame.
    if (h.masked) return this.failWith(ErrorCode.MASKED_FRAME, CloseCode.ProtocolError, 'the server sent a masked frame');
    if (h.length < 0) return this.failWith(ErrorCode.INVALID_LENGTH, CloseCode.ProtocolError, 'a 64-bit length with the most significant bit set');
    if (control) {
      // §5.5: control frames are never fragmented and carry at most 125 bytes.
      if (!h.fin) return this.failWith(ErrorCode.CONTROL_FRAGMENTED, CloseCode.ProtocolError, 'a fragmented control frame');
      if (h.length > 125) return this.failWith(ErrorCode.CONTROL_TOO_LONG, CloseCode.ProtocolError, `a control frame of ${h.length} bytes`);
      this.frameOpcode = opcode;
      this.controlPieces = null;
      return true;
    }
    // §5.4: continuation frames only inside a fragmented message; no new message inside one.
    const inMessage = this.messageOpcode !== 0;
    if (opcode === Opcode.Continuation && !inMessage) {
      return this.failWith(ErrorCode.UNEXPECTED_CONTINUATION, CloseCode.ProtocolError, 'a continuation frame without a message to continue');
    }
    if (opcode !== Opcode.Continuation && inMessage) {
      return this.failWith(ErrorCode.EXPECTED_CONTINUATION, CloseCode.ProtocolError, 'a new data frame inside a fragmented message');
    }
    // Limits are checked against the header, before a byte of payload is kept. A compressed message
    // (RFC 7692) may be a little longer than what it inflates to, which the transport checks against
    // maxPayload; its wire size is held to deflate's worst case for maxPayload bytes.
    const compressed = opcode === Opcode.Continuation ? this.messageCompressed : h.rsv === 4;
    const limit = compressed ? deflateBound(this.maxPayload) : this.maxPayload;
    if (h.length > limit - this.messageLength) {
      return this.failWith(ErrorCode.PAYLOAD_TOO_LARGE, CloseCode.MessageTooBig, `a message over the ${this.maxPayload}-byte limit`);
    }
    if (opcode !== Opcode.Continuation) {
      this.messageOpcode = opcode;
      this.messageCompressed = h.rsv === 4;
      if (opcode === Opcode.Text) (this.validator ??= new Utf8Validator()).reset();
    }
    this.frameOpcode = opcode;
    this.frameFin = h.fin;
    return true;
  }

  private onPayload(data: Uint8Array): boolean {
    if ((this.frameOpcode & 0x8) !== 0) {
      (this.controlPieces ??= []).push(data);
      return true;
    }
    if (this.assembly !== undefined) this.append(data);
    else if (this.messageFirst === undefined) this.messageFirst = data;
    else (this.messageRest ??= []).push(data);
    this.messageLength += data.length;
    // §8.1: invalid UTF-8 fails the connection as soon as it is seen, not at the end of the message.
    if (this.messageOpcode === Opcode.Text && !this.messageCompressed && !this.validator!.push(data, this.utf8.validate)) {
      return this.failWith(ErrorCode.INVALID_UTF8, CloseCode.InvalidPayload, 'a text message that is not valid UTF-8');
    }
    return true;
  }

  /** Copies the next piece of a message into its assembly, making the assembly larger if needed. */
  private append(data: Uint8Array): void {
    let assembly = this.assembly!;
    const need = this.messageLength + data.length;
    if (need > assembly.length) {
      const grown = (this.alloc ?? defaultAllocator)(this.assemblyCapacity(need));
      grown.set(assembly.subarray(0, this.messageLength));
      assembly = this.assembly = grown;
    }
    assembly.set(data, this.messageLength);
  }

  private onFrameEnd(): boolean {
    const opcode = this.frameOpcode;
    if ((opcode & 0x8) !== 0) {
      const pieces = this.controlPieces;
      let payload = pieces === null ? EMPTY : concat(pieces, pieces.reduce((n, p) => n + p.length, 0));
      // Ping and pong data are handed out: a view into a reused chunk would change under the listener.
      if (this.reused && pieces?.length === 1) payload = copyBytes(payload, this.alloc);
      this.controlPieces = null;
      return this.onControl(opcode, payload);
    }
    if (!this.frameFin) return true;
    const text = this.messageOpcode === Opcode.Text;
    const compressed = this.messageCompressed;
    const first = this.messageFirst;
    const assembly = this.assembly;
    let data: Uint8Array;
    if (assembly !== undefined) {
      data = assembly.length === this.messageLength ? assembly : assembly.subarray(0, this.messageLength);
    } else {
      data = first === undefined ? EMPTY : this.messageRest === undefined ? first : concat([first, ...this.messageRest], this.messageLength, this.alloc);
      // One piece of a reused chunk: copied where it is handed out (text is decoded from it instead).
      if (this.reused && first !== undefined && this.messageRest === undefined && (compressed || !text)) data = copyBytes(data, this.alloc);
    }
    this.messageOpcode = 0;
    this.messageFirst = undefined;
    this.messageRest = undefined;
    this.messageLength = 0;
    this.assembly = undefined;
    if (compressed) {
      this.pausedValue = true;
      this.handler.onEvent({ type: 'compressed', text, data });
      return false;
    }
    if (text) {
      if (!this.validator!.complete) {
        return this.failWith(ErrorCode.INVALID_UTF8, CloseCode.InvalidPayload, 'a text message that ends inside a UTF-8 sequence');
      }
      this.emitMessage(this.decodeText(data));
    } else {
      this.emitMessage(data);
    }
    return !this.isClosed();
  }

  private emitMessage(data: string | Uint8Array): void {
    if (this.handler.onMessage !== undefined) this.handler.onMessage(data);
    else this.handler.onEvent({ type: 'message', data });
  }

  private decodeText(data: Uint8Array): string {
    if (this.utf8.decode) return this.utf8.decode(data);
    return data.length <= 32 ? decodeShort(data) : textDecoder.decode(data);
  }

  /** The decompressed message, checked and handed out; then the input held meanwhile is read. */
  protected deliverMessage(text: boolean, data: Uint8Array): void {
    if (data.length > this.maxPayload) {
      this.failWith(ErrorCode.PAYLOAD_TOO_LARGE, CloseCode.MessageTooBig, `a message over the ${this.maxPayload}-byte limit`);
      return;
    }
    if (text) {
      const validator = (this.validator ??= new Utf8Validator());
      validator.reset();
      if (!validator.push(data, this.utf8.validate) || !validator.complete) {
        this.failWith(ErrorCode.INVALID_UTF8, CloseCode.InvalidPayload, 'a text message that is not valid UTF-8');
        return;
      }
      this.emitMessage(this.decodeText(data));
    } else {
      this.emitMessage(data);
    }
    this.pausedValue = false;
    // A handler may have closed the connection meanwhile.
    while (!this.pausedValue && this.backlog !== null && this.backlog.length > 0 && !this.isClosed()) {
      this.parse(this.backlog.shift()!);
    }
    if (this.backlog?.length === 0) this.backlog = null;
  }

  private failWith(code: ErrorCode, closeCode: CloseCode, message: string): false {
    this.fail(protocolError(code, closeCode, message));
    return false;
  }
}
