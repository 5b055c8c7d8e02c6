import { encodeClosePayload, parseClosePayload } from './close';
import { CloseCode, DEFAULTS, Opcode, ReadyState } from './constants';
import { ErrorCode, HandshakeError, ProtocolError, TetherError } from './errors';
import { defaultAllocator, encodeFrame, encodeTextFrame, randomMaskKey, utf8Length, type Allocator, type MaskKeyGenerator } from './frame-encoder';
import { FrameParser, type FrameHeader, type FrameSink } from './frame-parser';
import {
  buildHandshakeRequest,
  computeAccept,
  validateHandshakeResponse,
  type HandshakeRequest,
  type HandshakeResult,
} from './handshake';
import { HttpResponseParser, parseResponseHead, type HttpResponse } from './http-response';
import { textDecoder, textEncoder } from './runtime';
import { Utf8Validator } from './utf8';
import type { ConnectionEvent, ConnectionHandler, ConnectionOptions, FrameInfo, HandshakeInfo, Utf8Routines } from './connection-types';

export type { ConnectionEvent, ConnectionHandler, ConnectionOptions, FrameInfo, HandshakeInfo, Utf8Routines } from './connection-types';

const EMPTY = new Uint8Array(0);
/** Text up to this many code units is counted in the core when the runtime gives no `byteLength`. */
const SHORT_TEXT = 64;

/** Joins pieces into one buffer from `alloc` (every byte is written: an unzeroed buffer is fine). */
function concat(pieces: Uint8Array[], length: number, alloc: Allocator = defaultAllocator): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = alloc(length);
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

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

/** zlib's deflateBound for raw deflate: the most `n` bytes can take once compressed, plus a flush. */
function deflateBound(n: number): number {
  return n + Math.floor(n / 4096) + Math.floor(n / 16384) + Math.floor(n / 33554432) + 18;
}

function protocolError(code: ErrorCode, closeCode: CloseCode, message: string): ProtocolError {
  return new ProtocolError(code, closeCode, message);
}

/**
 * The client side of one WebSocket connection as a state machine (RFC 6455), without I/O: the
 * transport calls `start()` once connected, feeds every received chunk to `receive()`, and writes
 * what `onWrite` hands it. Events come out through `onEvent`, synchronously and in order.
 *
 * Bad input from the peer never throws: the connection records the error, sends the close frame
 * and ignores what follows. Misuse by the caller throws a `TetherError` at once.
 */
export class ClientConnection {
  readonly request: HandshakeRequest;
  private stateValue: ReadyState = ReadyState.CONNECTING;
  private readonly handler: ConnectionHandler;
  private readonly onFrame: ((frame: FrameInfo) => void) | undefined;
  private readonly maxPayload: number;
  private readonly fragmentSize: number;
  private readonly alloc: Allocator | undefined;
  private readonly maskKey: MaskKeyGenerator;
  private readonly utf8: Utf8Routines;
  /** Dropped once the handshake is over: an open connection keeps nothing of it but `request`. */
  private responseParser: HttpResponseParser | undefined;
  /** The server's 101 response head, as Latin-1 text; the handshake view is built from it on demand. */
  private responseHead: string | undefined = undefined;
  private handshakeView: HandshakeInfo | undefined = undefined;
  private readonly parser: FrameParser;
  /** Made for the first text message: a connection that receives none never needs one. */
  private validator: Utf8Validator | undefined = undefined;
  private rsv1Allowed = false;
  private closeSent = false;

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
  private pausedValue = false;
  private backlog: Uint8Array[] | null = null;

  constructor(url: string | { href: string }, options: ConnectionOptions, handler: ConnectionHandler) {
    this.request = buildHandshakeRequest(url, options);
    this.handler = handler;
    this.onFrame = options.onFrame;
    this.maxPayload = options.maxPayload ?? DEFAULTS.maxPayload;
    this.fragmentSize = options.fragmentSize ?? DEFAULTS.fragmentSize;
    this.alloc = options.alloc;
    this.maskKey = options.maskKey ?? randomMaskKey;
    this.utf8 = options.utf8 ?? {};
    const limits: { maxHeaderBytes?: number; maxHeaderCount?: number } = {};
    if (options.maxHeaderBytes !== undefined) limits.maxHeaderBytes = options.maxHeaderBytes;
    if (options.maxHeaderCount !== undefined) limits.maxHeaderCount = options.maxHeaderCount;
    this.responseParser = new HttpResponseParser(limits);
    // The connection is its own frame sink (its private onHeader, onPayload and onFrameEnd): no
    // closures and no sink object kept per connection.
    this.parser = new FrameParser(this as unknown as FrameSink);
  }

  get readyState(): ReadyState {
    return this.stateValue;
  }

  /** Read through a call, so that TypeScript does not narrow the state across event handlers. */
  private isClosed(): boolean {
    return this.stateValue === ReadyState.CLOSED;
  }

  /** True while a compressed message is out for decompression; input is held until `deliver`. */
  get paused(): boolean {
    return this.pausedValue;
  }

  /** Writes the opening handshake request; call once the transport is connected. */
  start(): void {
    this.handler.onWrite(this.request.bytes);
  }

  /**
   * Feeds bytes received from the server: any size, down to one byte at a time. With `reused`, the
   * caller writes over `chunk` once this returns (a read buffer): the connection then copies what
   * it keeps, and only that (a binary message it hands out, the pieces of an unfinished message);
   * text is decoded straight from the chunk.
   */
  receive(chunk: Uint8Array, reused = false): void {
    if (this.stateValue === ReadyState.CONNECTING) {
      // The response parser keeps an unfinished head: it gets bytes of its own (once per connection).
      if (reused) chunk = this.own(chunk);
      reused = false;
      let parsed: { response: HttpResponse; rest: Uint8Array; head: string } | undefined;
      let result: HandshakeResult;
      try {
        parsed = this.responseParser!.push(chunk);
        if (parsed === undefined) return;
        result = validateHandshakeResponse(this.request, parsed.response);
      } catch (error) {
        this.failHandshake(error instanceof TetherError ? error : new HandshakeError(ErrorCode.HTTP_MALFORMED, String(error), 0, {}, { cause: error }));
        return;
      }
      this.responseParser = undefined;
      this.responseHead = parsed.head;
      // Outside the try: an exception from an open listener is the listener's, not a bad handshake.
      this.open(result);
      if (parsed.rest.length === 0 || this.isClosed()) return;
      chunk = parsed.rest;
    }
    if (this.parser.stopped || this.stateValue === ReadyState.CLOSED) return;
    if (this.pausedValue) {
      (this.backlog ??= []).push(reused ? this.own(chunk) : chunk);
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

  private parse(chunk: Uint8Array): void {
    const used = this.parser.push(chunk);
    if (used < chunk.length && this.pausedValue && !this.parser.stopped) {
      const rest = chunk.subarray(used);
      (this.backlog ??= []).unshift(this.reused ? this.own(rest) : rest);
    }
  }

  /** A copy of `data` in memory from `alloc`. */
  private own(data: Uint8Array): Uint8Array {
    const n = data.length;
    const out = (this.alloc ?? defaultAllocator)(n);
    // A few bytes copy faster by hand than through a call to `set`.
    if (n <= 64) for (let i = 0; i < n; i++) out[i] = data[i]!;
    else out.set(data);
    return out;
  }

  /** Before a reused chunk goes back to its owner: the pieces of an unfinished frame are copied out. */
  private keepPieces(): void {
    if (this.controlPieces !== null) this.controlPieces = this.controlPieces.map((p) => this.own(p));
    const first = this.messageFirst;
    if (first === undefined || this.isClosed()) return;
    const pieces = this.messageRest === undefined ? [first] : [first, ...this.messageRest];
    this.messageFirst = this.messageRest = undefined;
    const assembly = (this.alloc ?? defaultAllocator)(this.assemblyCapacity(this.messageLength));
    let at = 0;
    for (const p of pieces) {
      assembly.set(p, at);
      at += p.length;
    }
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

  // RFC 6455 §4.1: the response was validated; the connection is established.
  private open(result: HandshakeResult): void {
    this.rsv1Allowed = result.extensions.some((e) => e.name === 'permessage-deflate');
    this.stateValue = ReadyState.OPEN;
    const conn = this;
    this.handler.onEvent({
      type: 'open',
      protocol: result.protocol,
      extensions: result.extensions,
      // Built when first read: most connections never look at it.
      get handshake(): HandshakeInfo {
        return conn.handshake!;
      },
    });
  }

  /**
   * What the opening handshake sent and received, once the server's 101 was accepted (undefined
   * before). A connection keeps only the request and the response head as text; this view is
   * built from them the first time it is asked for, and the same object is returned after that.
   */
  get handshake(): HandshakeInfo | undefined {
    if (this.handshakeView === undefined && this.responseHead !== undefined) {
      const request = this.request;
      const response = parseResponseHead(this.responseHead);
      this.handshakeView = {
        url: request.target.href,
        key: request.key,
        requestHeaders: request.headers,
        status: response.status,
        statusText: response.statusText,
        responseHeaders: response.rawHeaders,
        expectedAccept: computeAccept(request.key),
        receivedAccept: (response.headers['sec-websocket-accept'] ?? '').trim(),
      };
    }
    return this.handshakeView;
  }

  private failHandshake(error: TetherError): void {
    this.stateValue = ReadyState.CLOSED;
    this.responseParser = undefined;
    this.parser.stop();
    this.handler.onEvent({ type: 'error', error });
    this.handler.onEvent({ type: 'close', code: CloseCode.Abnormal, reason: '', wasClean: false });
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
      if (this.reused && pieces?.length === 1) payload = this.own(payload);
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
      if (this.reused && first !== undefined && this.messageRest === undefined && (compressed || !text)) data = this.own(data);
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
    return this.stateValue !== ReadyState.CLOSED;
  }

  private emitMessage(data: string | Uint8Array): void {
    if (this.handler.onMessage !== undefined) this.handler.onMessage(data);
    else this.handler.onEvent({ type: 'message', data });
  }

  private decodeText(data: Uint8Array): string {
    if (this.utf8.decode) return this.utf8.decode(data);
    return data.length <= 32 ? decodeShort(data) : textDecoder.decode(data);
  }

  private onControl(opcode: number, payload: Uint8Array): boolean {
    if (opcode === Opcode.Ping) {
      // §5.5.2: answer a ping with a pong carrying the same data, unless a close was already sent.
      if (!this.closeSent) this.writeFrame(Opcode.Pong, payload, true, false);
      this.handler.onEvent({ type: 'ping', data: payload });
      return this.stateValue !== ReadyState.CLOSED;
    }
    if (opcode === Opcode.Pong) {
      this.handler.onEvent({ type: 'pong', data: payload });
      return this.stateValue !== ReadyState.CLOSED;
    }
    // §5.5.1: a close frame; echo it if we have not sent ours, then the closing handshake is done.
    const info = parseClosePayload(payload);
    if (info instanceof ProtocolError) {
      this.fail(info);
      return false;
    }
    if (!this.closeSent) {
      this.closeSent = true;
      const echo = info.code === CloseCode.NoStatus ? EMPTY : payload.subarray(0, 2);
      this.writeFrame(Opcode.Close, echo, true, false);
    }
    this.finish(info.code, info.reason, true);
    return false;
  }

  /** After a `compressed` event: hands back the decompressed message and resumes reading. */
  deliver(text: boolean, data: Uint8Array): void {
    if (!this.pausedValue || this.stateValue === ReadyState.CLOSED) return;
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

  // ---- Failing and closing ----

  private failWith(code: ErrorCode, closeCode: CloseCode, message: string): false {
    this.fail(protocolError(code, closeCode, message));
    return false;
  }

  /**
   * Fails the connection (RFC 6455 §7.1.7): reports the error, sends a close frame with its close
   * code unless one was sent, and ignores everything after. The transport then drops the TCP
   * connection. Transports call this for errors of their own (a failed decompression, say).
   */
  fail(error: ProtocolError): void {
    if (this.stateValue === ReadyState.CLOSED) return;
    this.parser.stop();
    this.backlog = null;
    this.pausedValue = false;
    this.handler.onEvent({ type: 'error', error });
    if (this.stateValue === ReadyState.CONNECTING) {
      this.finish(CloseCode.Abnormal, '', false);
      return;
    }
    if (!this.closeSent) {
      this.closeSent = true;
      this.writeFrame(Opcode.Close, encodeClosePayload(error.closeCode, error.code), true, false);
    }
    // RFC 6455 §7.1.5: with no close frame received, the connection's close code is 1006, as
    // browsers report it; the code sent to the server travels on the error (`closeCode`).
    this.finish(CloseCode.Abnormal, '', false);
  }

  /** The transport's connection ended (TCP closed or errored); `error` says why where known. */
  connectionLost(error?: TetherError): void {
    if (this.stateValue === ReadyState.CLOSED) return;
    this.parser.stop();
    const lost =
      error ??
      new TetherError(
        this.stateValue === ReadyState.CONNECTING ? ErrorCode.CONNECTION_FAILED : ErrorCode.CONNECTION_LOST,
        this.stateValue === ReadyState.CONNECTING ? 'the connection closed during the handshake' : 'the connection closed without a close frame',
      );
    this.handler.onEvent({ type: 'error', error: lost });
    this.finish(CloseCode.Abnormal, '', false);
  }

  private finish(code: number, reason: string, wasClean: boolean): void {
    this.stateValue = ReadyState.CLOSED;
    this.parser.stop();
    this.handler.onEvent({ type: 'close', code, reason, wasClean });
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2). In CONNECTING the connection is failed at once
   * (close 1006), as the WHATWG `close()` does. Does nothing once closing.
   * @throws TetherError ERR_INVALID_ARGUMENT for a code that may not be sent or a reason over 123 bytes
   */
  close(code?: number, reason?: string): void {
    const payload = encodeClosePayload(code, reason);
    if (this.stateValue === ReadyState.CONNECTING) {
      this.parser.stop();
      this.handler.onEvent({ type: 'error', error: new TetherError(ErrorCode.ABORTED, 'closed before the connection was established') });
      this.finish(CloseCode.Abnormal, '', false);
      return;
    }
    if (this.stateValue !== ReadyState.OPEN) return;
    this.closeSent = true;
    this.stateValue = ReadyState.CLOSING;
    this.writeFrame(Opcode.Close, payload, true, false);
  }

  // ---- Sending (RFC 6455 §5.2, §6.1) ----

  private canSend(): boolean {
    if (this.stateValue === ReadyState.CONNECTING) {
      throw new TetherError(ErrorCode.INVALID_STATE, 'cannot send before the connection is open');
    }
    return this.stateValue === ReadyState.OPEN;
  }

  /**
   * Sends a text message. Returns false, sending nothing, once the connection is closing or closed.
   * `byteLength`, where the caller has counted it already, must be the text's exact UTF-8 length
   * (as `Utf8Routines.byteLength` counts it); the frame header is written from it.
   * @throws TetherError ERR_INVALID_STATE while connecting
   */
  sendText(text: string, byteLength?: number): boolean {
    if (!this.canSend()) return false;
    const utf8 = this.utf8;
    // Without the runtime's count, only short text is counted here: over a long string a loop over
    // its characters costs more than encoding it and copying the bytes.
    const n = byteLength ?? (utf8.byteLength !== undefined ? utf8.byteLength(text) : text.length <= SHORT_TEXT ? utf8Length(text) : -1);
    const size = this.fragmentSize;
    if (n >= 0 && (size <= 0 || n <= size)) {
      this.writeTextFrame(text, n);
    } else {
      // Fragments (or no fast count): encoded once, then each frame carries a slice of the bytes.
      this.sendMessage(Opcode.Text, utf8.encode ? utf8.encode(text) : textEncoder.encode(text), false);
    }
    return true;
  }

  /** Sends a binary message; the caller's bytes are copied once (masked) and never changed. */
  sendBinary(data: Uint8Array): boolean {
    if (!this.canSend()) return false;
    this.sendMessage(Opcode.Binary, data, false);
    return true;
  }

  /** Sends a message an extension has compressed: RSV1 set on its first frame (RFC 7692 §6). */
  sendCompressed(text: boolean, data: Uint8Array): boolean {
    if (!this.canSend()) return false;
    if (!this.rsv1Allowed) throw new TetherError(ErrorCode.INVALID_STATE, 'permessage-deflate was not agreed');
    this.sendMessage(text ? Opcode.Text : Opcode.Binary, data, true);
    return true;
  }

  /** Sends a ping with up to 125 bytes of data. */
  ping(data: Uint8Array = EMPTY): boolean {
    return this.sendControl(Opcode.Ping, data);
  }

  /** Sends an unsolicited pong (a unidirectional heartbeat, §5.5.3). */
  pong(data: Uint8Array = EMPTY): boolean {
    return this.sendControl(Opcode.Pong, data);
  }

  private sendControl(opcode: number, data: Uint8Array): boolean {
    if (data.length > 125) throw new TetherError(ErrorCode.INVALID_ARGUMENT, 'control frames carry at most 125 bytes');
    if (!this.canSend()) return false;
    this.writeFrame(opcode, data, true, false);
    return true;
  }

  private sendMessage(opcode: number, data: Uint8Array, rsv1: boolean): void {
    const size = this.fragmentSize;
    if (size <= 0 || data.length <= size) {
      this.writeFrame(opcode, data, true, rsv1);
      return;
    }
    for (let offset = 0; offset < data.length; offset += size) {
      const end = Math.min(offset + size, data.length);
      this.writeFrame(offset === 0 ? opcode : Opcode.Continuation, data.subarray(offset, end), end === data.length, rsv1 && offset === 0);
    }
  }

  private writeFrame(opcode: number, payload: Uint8Array, fin: boolean, rsv1: boolean): void {
    if (this.onFrame) this.onFrame({ direction: 'out', opcode, fin, rsv1, masked: true, length: payload.length });
    const options = { fin, rsv1, maskKey: this.maskKey(), alloc: this.alloc };
    this.handler.onWrite(encodeFrame(opcode, payload, options));
  }

  /** One unfragmented text frame, its UTF-8 (`length` bytes) written straight from the string. */
  private writeTextFrame(text: string, length: number): void {
    if (this.onFrame) this.onFrame({ direction: 'out', opcode: Opcode.Text, fin: true, rsv1: false, masked: true, length });
    const options = { fin: true, rsv1: false, maskKey: this.maskKey(), alloc: this.alloc, encodeInto: this.utf8.encodeInto };
    this.handler.onWrite(encodeTextFrame(text, length, options));
  }
}
