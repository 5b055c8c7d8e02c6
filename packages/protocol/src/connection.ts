// ClientConnection: the states of one connection, its opening and closing handshakes, control frames
// and sending. Frames are read into messages by MessageReader (message-reader.ts), which it extends.
import { copyBytes } from './bytes';
import { encodeClosePayload, parseClosePayload } from './close';
import { CloseCode, DEFAULTS, Opcode, ReadyState } from './constants';
import { ErrorCode, HandshakeError, ProtocolError, TetherError } from './errors';
import { encodeFrame, encodeTextFrame, randomMaskKey, utf8Length, type MaskKeyGenerator } from './frame-encoder';
import {
  buildHandshakeRequest,
  computeAccept,
  validateHandshakeResponse,
  type HandshakeRequest,
  type HandshakeResult,
} from './handshake';
import { HttpResponseParser, parseResponseHead, type HttpResponse } from './http-response';
import { MessageReader } from './message-reader';
import { textEncoder } from './runtime';
import type { ConnectionHandler, ConnectionOptions, HandshakeInfo } from './connection-types';

export type { ConnectionEvent, ConnectionHandler, ConnectionOptions, FrameInfo, HandshakeInfo, Utf8Routines } from './connection-types';

const EMPTY = new Uint8Array(0);
/** Text up to this many code units is counted in the core when the runtime gives no `byteLength`. */
const SHORT_TEXT = 64;

/**
 * The client side of one WebSocket connection as a state machine (RFC 6455), without I/O: the
 * transport calls `start()` once connected, feeds every received chunk to `receive()`, and writes
 * what `onWrite` hands it. Events come out through `onEvent`, synchronously and in order.
 *
 * Bad input from the peer never throws: the connection records the error, sends the close frame
 * and ignores what follows. Misuse by the caller throws a `TetherError` at once.
 */
export class ClientConnection extends MessageReader {
  readonly request: HandshakeRequest;
  private stateValue: ReadyState = ReadyState.CONNECTING;
  private readonly fragmentSize: number;
  private readonly maskKey: MaskKeyGenerator;
  /** Dropped once the handshake is over: an open connection keeps nothing of it but `request`. */
  private responseParser: HttpResponseParser | undefined;
  /** The server's 101 response head, as Latin-1 text; the handshake view is built from it on demand. */
  private responseHead: string | undefined = undefined;
  private handshakeView: HandshakeInfo | undefined = undefined;
  private closeSent = false;

  constructor(url: string | { href: string }, options: ConnectionOptions, handler: ConnectionHandler) {
    super(options, handler);
    this.request = buildHandshakeRequest(url, options);
    this.fragmentSize = options.fragmentSize ?? DEFAULTS.fragmentSize;
    this.maskKey = options.maskKey ?? randomMaskKey;
    const limits: { maxHeaderBytes?: number; maxHeaderCount?: number } = {};
    if (options.maxHeaderBytes !== undefined) limits.maxHeaderBytes = options.maxHeaderBytes;
    if (options.maxHeaderCount !== undefined) limits.maxHeaderCount = options.maxHeaderCount;
    this.responseParser = new HttpResponseParser(limits);
  }

  get readyState(): ReadyState {
    return this.stateValue;
  }

  /** Read through a call, so that TypeScript does not narrow the state across event handlers. */
  protected override isClosed(): boolean {
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
      if (reused) chunk = copyBytes(chunk, this.alloc);
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
    this.readFrames(chunk, reused);
  }

  /** After a `compressed` event: hands back the decompressed message and resumes reading. */
  deliver(text: boolean, data: Uint8Array): void {
    if (!this.pausedValue || this.stateValue === ReadyState.CLOSED) return;
    this.deliverMessage(text, data);
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

  // ---- Control frames (RFC 6455 §5.5), as the reader hands them over ----

  protected override onControl(opcode: number, payload: Uint8Array): boolean {
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

  // ---- Failing and closing ----

  /**
   * Fails the connection (RFC 6455 §7.1.7): reports the error, sends a close frame with its close
   * code unless one was sent, and ignores everything after. The transport then drops the TCP
   * connection. Transports call this for errors of their own (a failed decompression, say).
   */
  override fail(error: ProtocolError): void {
    if (this.stateValue === ReadyState.CLOSED) return;
    this.stopReading();
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
