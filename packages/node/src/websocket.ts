import { ErrorCode, MAX_CLOSE_REASON_BYTES, ReadyState, TetherError, type HandshakeInfo } from '@tether/protocol';
import { asBuffer, binaryMessage, outgoing, type SendData } from './data';
import { Listeners, WebSocketEvent, type AnyEvent, type ListenerOptions } from './event-target';
import {
  CloseEvent,
  ErrorEvent,
  HandlerAttributes,
  HandshakeEvent,
  MessageEvent,
  RedirectEvent,
  type Handler,
  type Listener,
  type WebSocketEventMap,
} from './events';
import { DEFAULTS, resolveOptions, type BinaryType, type WebSocketOptions } from './options';
import { Transport } from './transport';

const BINARY_TYPES: ReadonlySet<string> = new Set<BinaryType>(['nodebuffer', 'arraybuffer', 'blob']);

function isOptions(value: unknown): value is WebSocketOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(Symbol.iterator in value);
}

/** Bytes for a ping or pong: a string is sent as UTF-8. */
function controlData(data: string | ArrayBuffer | ArrayBufferView | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A WebSocket for Node with the browser's API (WHATWG HTML "The WebSocket interface"), on Tether's
 * own RFC 6455 core: no other WebSocket library is involved. Node-only options go in the last
 * constructor argument; Node-only extras are `ping()`, `pong()`, `terminate()`, the `handshake`
 * property and the `ping`, `pong`, `handshake`, `redirect` and `drain` events.
 *
 * Every failure is an `error` event carrying a typed `TetherError`, then a `close` event; a
 * connection that never opened closes with 1006. Nothing is thrown from inside the event loop.
 */
export class WebSocket extends EventTarget {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;

  get CONNECTING(): 0 {
    return ReadyState.CONNECTING;
  }
  get OPEN(): 1 {
    return ReadyState.OPEN;
  }
  get CLOSING(): 2 {
    return ReadyState.CLOSING;
  }
  get CLOSED(): 3 {
    return ReadyState.CLOSED;
  }

  private state: ReadyState = ReadyState.CONNECTING;
  private protocolValue = '';
  private extensionsValue = '';
  private binaryTypeValue: BinaryType;
  private handshakeValue: HandshakeInfo | null = null;
  /** `scheme://host[:port]` of the URL connected to, for MessageEvent.origin. */
  private origin = '';
  private readonly transport: Transport;
  private readonly listeners = new Listeners(this);
  private readonly handlers = new HandlerAttributes(this);
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = (): void => this.abortBySignal();

  /**
   * @param url `ws:`, `wss:`, or `http:` / `https:` (mapped to them); credentials in it are sent as
   *   `Authorization: Basic`
   * @param protocols subprotocols to offer, or the options
   * @throws TetherError ERR_INVALID_URL, ERR_INVALID_PROTOCOL, ERR_INVALID_HEADER or
   *   ERR_INVALID_ARGUMENT for bad arguments; connection problems are events, never exceptions
   */
  constructor(url: string | URL, protocols?: string | readonly string[] | WebSocketOptions, options?: WebSocketOptions) {
    super();
    const opts: WebSocketOptions = isOptions(protocols) ? protocols : { ...options, ...(protocols === undefined ? {} : { protocols }) };
    const resolved = resolveOptions(opts);
    this.binaryTypeValue = opts.binaryType ?? DEFAULTS.binaryType;
    if (!BINARY_TYPES.has(this.binaryTypeValue)) throw new TetherError(ErrorCode.INVALID_ARGUMENT, `invalid binaryType ${String(opts.binaryType)}`);
    this.transport = new Transport(typeof url === 'string' ? url : url.href, resolved, {
      handshake: (info) => {
        this.handshakeValue = info;
        this.dispatchEvent(new HandshakeEvent('handshake', { handshake: info }));
      },
      open: (protocol, extensions) => {
        const url = new URL(this.transport.url);
        this.origin = `${url.protocol}//${url.host}`;
        this.protocolValue = protocol;
        this.extensionsValue = extensions;
        this.state = ReadyState.OPEN;
        this.dispatchEvent(new WebSocketEvent('open'));
      },
      message: (data) => {
        // WHATWG: a message received once close() was called is not delivered.
        if (this.state !== ReadyState.OPEN) return;
        const payload = typeof data === 'string' ? data : binaryMessage(data, this.binaryTypeValue);
        this.dispatchEvent(new MessageEvent('message', { data: payload, origin: this.origin }));
      },
      ping: (data) => this.dispatchEvent(new MessageEvent('ping', { data: asBuffer(data), origin: this.origin })),
      pong: (data) => this.dispatchEvent(new MessageEvent('pong', { data: asBuffer(data), origin: this.origin })),
      redirect: (status, location, crossOrigin) => this.dispatchEvent(new RedirectEvent('redirect', { status, location, crossOrigin })),
      error: (error) => this.dispatchEvent(new ErrorEvent('error', { error })),
      closing: () => {
        this.state = ReadyState.CLOSING;
      },
      close: (code, reason, wasClean, error) => {
        this.state = ReadyState.CLOSED;
        this.signal?.removeEventListener('abort', this.onAbort);
        this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean, error }));
      },
      drain: () => this.dispatchEvent(new WebSocketEvent('drain')),
    });
    this.signal = resolved.signal;
    if (this.signal !== undefined) {
      if (this.signal.aborted) process.nextTick(this.onAbort);
      else this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The URL connected to, without credentials (after redirects, the last one). */
  get url(): string {
    return this.transport.url;
  }

  get readyState(): ReadyState {
    return this.state;
  }

  /** The subprotocol the server chose, or "". */
  get protocol(): string {
    return this.protocolValue;
  }

  /** The `Sec-WebSocket-Extensions` the server answered with, or "". */
  get extensions(): string {
    return this.extensionsValue;
  }

  /**
   * Bytes given to `send()` not yet handed to the operating system: queued, being compressed, or in
   * the socket's buffer. Watch it (or wait for `drain`) to keep memory flat when producing fast.
   */
  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  get binaryType(): BinaryType {
    return this.binaryTypeValue;
  }

  /** An unknown value is ignored, as browsers do. */
  set binaryType(value: BinaryType) {
    if (BINARY_TYPES.has(value)) this.binaryTypeValue = value;
  }

  /** What the opening handshake sent and received, once the server answered; null before. */
  get handshake(): HandshakeInfo | null {
    return this.handshakeValue;
  }

  /**
   * Sends a message: a string as text, an ArrayBuffer, a typed array, a DataView, a Buffer or a Blob
   * as binary. After closing began the data is counted in `bufferedAmount` and dropped.
   * @throws TetherError ERR_INVALID_STATE while connecting
   */
  send(data: SendData): void {
    if (this.state === ReadyState.CONNECTING) throw new TetherError(ErrorCode.INVALID_STATE, 'send() before the connection is open');
    const message = outgoing(data);
    if (this.state !== ReadyState.OPEN) this.transport.discard(message.size);
    else this.transport.send(message);
  }

  /**
   * Starts the closing handshake after the messages already sent; while connecting, fails the
   * connection (error, then close 1006). Does nothing once closing.
   * @param code 1000 or 3000-4999, as browsers allow
   * @param reason at most 123 bytes of UTF-8
   * @throws TetherError ERR_INVALID_ARGUMENT for another code or a longer reason
   */
  close(code?: number, reason?: string): void {
    let checked: number | undefined;
    if (code !== undefined) {
      // WebIDL [Clamp] unsigned short, then the WHATWG check.
      const n = Number(code);
      checked = Number.isNaN(n) ? 0 : Math.min(Math.max(Math.round(n), 0), 0xffff);
      if (checked !== 1000 && (checked < 3000 || checked > 4999)) {
        throw new TetherError(ErrorCode.INVALID_ARGUMENT, `close code ${String(code)} is neither 1000 nor in 3000-4999`);
      }
    }
    const text = reason === undefined ? undefined : String(reason);
    if (text !== undefined && Buffer.byteLength(text, 'utf8') > MAX_CLOSE_REASON_BYTES) {
      throw new TetherError(ErrorCode.INVALID_ARGUMENT, `the close reason is longer than ${MAX_CLOSE_REASON_BYTES} bytes`);
    }
    if (this.state === ReadyState.CLOSING || this.state === ReadyState.CLOSED) return;
    if (this.state === ReadyState.CONNECTING) {
      this.state = ReadyState.CLOSING;
      // The events come later, as in browsers, not from inside this call.
      process.nextTick(() => this.transport.abort(new TetherError(ErrorCode.ABORTED, 'close() was called before the connection opened')));
      return;
    }
    this.state = ReadyState.CLOSING;
    this.transport.close(checked, text);
  }

  /**
   * Sends a ping (Node only); the answer is a `pong` event.
   * @throws TetherError ERR_INVALID_STATE while connecting, ERR_INVALID_ARGUMENT over 125 bytes
   */
  ping(data?: string | ArrayBuffer | ArrayBufferView): void {
    this.control(data, (bytes) => this.transport.ping(bytes));
  }

  /** Sends an unsolicited pong, a one-way heartbeat (Node only). */
  pong(data?: string | ArrayBuffer | ArrayBufferView): void {
    this.control(data, (bytes) => this.transport.pong(bytes));
  }

  private control(data: string | ArrayBuffer | ArrayBufferView | undefined, send: (bytes: Uint8Array) => void): void {
    if (this.state === ReadyState.CONNECTING) throw new TetherError(ErrorCode.INVALID_STATE, 'cannot ping before the connection is open');
    const bytes = controlData(data);
    if (bytes.length > 125) throw new TetherError(ErrorCode.INVALID_ARGUMENT, 'a ping or pong carries at most 125 bytes');
    if (this.state === ReadyState.OPEN) send(bytes);
  }

  /** Drops the connection at once, without a closing handshake: error ERR_ABORTED, then close 1006. */
  terminate(): void {
    if (this.state === ReadyState.CLOSED) return;
    this.state = ReadyState.CLOSING;
    process.nextTick(() => this.transport.abort(new TetherError(ErrorCode.ABORTED, 'terminate() was called')));
  }

  private abortBySignal(): void {
    const reason: unknown = this.signal?.reason;
    if (this.state === ReadyState.OPEN) {
      this.close(1000);
      return;
    }
    if (this.state === ReadyState.CLOSED) return;
    this.state = ReadyState.CLOSING;
    this.transport.abort(new TetherError(ErrorCode.ABORTED, 'the connection was aborted by its signal', { cause: reason }));
  }

  // ---- Event handler attributes (onopen, onmessage, ...) ----

  get onopen(): Handler<this, WebSocketEvent> {
    return this.handlers.get('open');
  }
  set onopen(value: Handler<this, WebSocketEvent>) {
    this.handlers.set('open', value);
  }
  get onmessage(): Handler<this, MessageEvent> {
    return this.handlers.get('message');
  }
  set onmessage(value: Handler<this, MessageEvent>) {
    this.handlers.set('message', value);
  }
  get onerror(): Handler<this, ErrorEvent> {
    return this.handlers.get('error');
  }
  set onerror(value: Handler<this, ErrorEvent>) {
    this.handlers.set('error', value);
  }
  get onclose(): Handler<this, CloseEvent> {
    return this.handlers.get('close');
  }
  set onclose(value: Handler<this, CloseEvent>) {
    this.handlers.set('close', value);
  }

  // ---- Listeners: the DOM's semantics, without Node's Event costs (see event-target.ts) ----

  override addEventListener<K extends keyof WebSocketEventMap>(type: K, listener: Listener<WebSocketEventMap[K]> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: Listener<AnyEvent> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: Listener<never> | null, options?: ListenerOptions): void {
    this.listeners.add(type, listener, options);
  }

  override removeEventListener<K extends keyof WebSocketEventMap>(type: K, listener: Listener<WebSocketEventMap[K]> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: Listener<AnyEvent> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: Listener<never> | null, options?: ListenerOptions): void {
    this.listeners.remove(type, listener, options);
  }

  /** Dispatches to this WebSocket's listeners (its own events, or a DOM Event a caller made). */
  override dispatchEvent(event: AnyEvent): boolean {
    return this.listeners.dispatch(event);
  }
}
