import { ErrorCode, MAX_CLOSE_REASON_BYTES, ReadyState, TetherError, type HandshakeInfo } from '@tether/protocol';
import { asBuffer, binaryMessage, outgoing, type SendData } from './data';
import { LightEventTarget, Listeners, WebSocketEvent, type AnyEvent, type ListenerOptions } from './event-target';
import {
  CloseEvent,
  ErrorEvent,
  HandshakeEvent,
  MessageEvent,
  RedirectEvent,
  type Handler,
  type Listener,
  type WebSocketEventMap,
} from './events';
import { DEFAULTS, resolveOptions, type BinaryType, type WebSocketOptions } from './options';
import { Transport, type TransportEvents } from './transport';

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
 * A WebSocket's state and the transport's callbacks, in one object per connection (its methods on a
 * prototype, not eleven closures): what the transport reports becomes state and DOM events here.
 */
class Link implements TransportEvents {
  state: ReadyState = ReadyState.CONNECTING;
  protocol = '';
  /** null once open: computed from the handshake when first read. */
  extensions: string | null = '';
  binaryType: BinaryType;
  /** `scheme://host[:port]` of the URL connected to, for MessageEvent.origin. */
  origin = '';
  transport!: Transport;
  readonly listeners: Listeners;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly ws: WebSocket,
    binaryType: BinaryType,
    signal: AbortSignal | undefined,
  ) {
    this.binaryType = binaryType;
    this.listeners = new Listeners(ws);
    this.signal = signal;
    this.onAbort = signal === undefined ? undefined : () => this.abortBySignal();
  }

  handshake(): void {
    // Nobody listening, nothing to build: the view is made when `handshake` is first read.
    if (this.listeners.has('handshake')) this.ws.dispatchEvent(new HandshakeEvent('handshake', { handshake: this.transport.handshake! }));
  }

  open(protocol: string): void {
    this.origin = this.transport.origin;
    this.protocol = protocol;
    this.extensions = null;
    this.state = ReadyState.OPEN;
    this.ws.dispatchEvent(new WebSocketEvent('open'));
  }

  message(data: string | Uint8Array): void {
    // WHATWG: a message received once close() was called is not delivered.
    if (this.state !== ReadyState.OPEN) return;
    const payload = typeof data === 'string' ? data : binaryMessage(data, this.binaryType);
    this.ws.dispatchEvent(new MessageEvent('message', { data: payload, origin: this.origin }));
  }

  ping(data: Uint8Array): void {
    this.ws.dispatchEvent(new MessageEvent('ping', { data: asBuffer(data), origin: this.origin }));
  }

  pong(data: Uint8Array): void {
    this.ws.dispatchEvent(new MessageEvent('pong', { data: asBuffer(data), origin: this.origin }));
  }

  redirect(status: number, location: string, crossOrigin: boolean): void {
    this.ws.dispatchEvent(new RedirectEvent('redirect', { status, location, crossOrigin }));
  }

  error(error: TetherError): void {
    this.ws.dispatchEvent(new ErrorEvent('error', { error }));
  }

  closing(): void {
    this.state = ReadyState.CLOSING;
  }

  close(code: number, reason: string, wasClean: boolean, error: TetherError | undefined): void {
    this.state = ReadyState.CLOSED;
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.ws.dispatchEvent(new CloseEvent('close', { code, reason, wasClean, error }));
  }

  drain(): void {
    this.ws.dispatchEvent(new WebSocketEvent('drain'));
  }

  /** The signal given in the options was aborted. */
  private abortBySignal(): void {
    const reason: unknown = this.signal?.reason;
    if (this.state === ReadyState.OPEN) {
      this.ws.close(1000);
      return;
    }
    if (this.state === ReadyState.CLOSED) return;
    this.state = ReadyState.CLOSING;
    this.transport.abort(new TetherError(ErrorCode.ABORTED, 'the connection was aborted by its signal', { cause: reason }));
  }
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
export class WebSocket extends LightEventTarget {
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

  private readonly link: Link;
  private readonly transport: Transport;

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
    const binaryType = opts.binaryType ?? DEFAULTS.binaryType;
    if (!BINARY_TYPES.has(binaryType)) throw new TetherError(ErrorCode.INVALID_ARGUMENT, `invalid binaryType ${String(opts.binaryType)}`);
    const link = (this.link = new Link(this, binaryType, resolved.signal));
    this.transport = link.transport = new Transport(typeof url === 'string' ? url : url.href, resolved, link);
    const { signal, onAbort } = link;
    if (signal !== undefined && onAbort !== undefined) {
      if (signal.aborted) process.nextTick(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  /** The URL connected to, without credentials (after redirects, the last one). */
  get url(): string {
    return this.transport.url;
  }

  get readyState(): ReadyState {
    return this.link.state;
  }

  /** The subprotocol the server chose, or "". */
  get protocol(): string {
    return this.link.protocol;
  }

  /** The `Sec-WebSocket-Extensions` the server answered with, or "". */
  get extensions(): string {
    return (this.link.extensions ??= this.transport.extensions);
  }

  /**
   * Bytes given to `send()` not yet handed to the operating system: queued, being compressed, or in
   * the socket's buffer. Watch it (or wait for `drain`) to keep memory flat when producing fast.
   */
  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  get binaryType(): BinaryType {
    return this.link.binaryType;
  }

  /** An unknown value is ignored, as browsers do. */
  set binaryType(value: BinaryType) {
    if (BINARY_TYPES.has(value)) this.link.binaryType = value;
  }

  /** What the opening handshake sent and received, once the server answered; null before. */
  get handshake(): HandshakeInfo | null {
    return this.transport.handshake;
  }

  /**
   * Sends a message: a string as text, an ArrayBuffer, a typed array, a DataView, a Buffer or a Blob
   * as binary. After closing began the data is counted in `bufferedAmount` and dropped.
   * @throws TetherError ERR_INVALID_STATE while connecting
   */
  send(data: SendData): void {
    if (this.link.state === ReadyState.CONNECTING) throw new TetherError(ErrorCode.INVALID_STATE, 'send() before the connection is open');
    const message = outgoing(data);
    if (this.link.state !== ReadyState.OPEN) this.transport.discard(message.size);
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
    if (this.link.state === ReadyState.CLOSING || this.link.state === ReadyState.CLOSED) return;
    if (this.link.state === ReadyState.CONNECTING) {
      this.link.state = ReadyState.CLOSING;
      // The events come later, as in browsers, not from inside this call.
      process.nextTick(() => this.transport.abort(new TetherError(ErrorCode.ABORTED, 'close() was called before the connection opened')));
      return;
    }
    this.link.state = ReadyState.CLOSING;
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
    if (this.link.state === ReadyState.CONNECTING) throw new TetherError(ErrorCode.INVALID_STATE, 'cannot ping before the connection is open');
    const bytes = controlData(data);
    if (bytes.length > 125) throw new TetherError(ErrorCode.INVALID_ARGUMENT, 'a ping or pong carries at most 125 bytes');
    if (this.link.state === ReadyState.OPEN) send(bytes);
  }

  /** Drops the connection at once, without a closing handshake: error ERR_ABORTED, then close 1006. */
  terminate(): void {
    if (this.link.state === ReadyState.CLOSED) return;
    this.link.state = ReadyState.CLOSING;
    process.nextTick(() => this.transport.abort(new TetherError(ErrorCode.ABORTED, 'terminate() was called')));
  }

  // ---- Event handler attributes (onopen, onmessage, ...) ----

  get onopen(): Handler<this, WebSocketEvent> {
    return this.link.listeners.handler('open');
  }
  set onopen(value: Handler<this, WebSocketEvent>) {
    this.link.listeners.setHandler('open', value);
  }
  get onmessage(): Handler<this, MessageEvent> {
    return this.link.listeners.handler('message');
  }
  set onmessage(value: Handler<this, MessageEvent>) {
    this.link.listeners.setHandler('message', value);
  }
  get onerror(): Handler<this, ErrorEvent> {
    return this.link.listeners.handler('error');
  }
  set onerror(value: Handler<this, ErrorEvent>) {
    this.link.listeners.setHandler('error', value);
  }
  get onclose(): Handler<this, CloseEvent> {
    return this.link.listeners.handler('close');
  }
  set onclose(value: Handler<this, CloseEvent>) {
    this.link.listeners.setHandler('close', value);
  }

  // ---- Listeners: the DOM's semantics, without Node's Event costs (see event-target.ts) ----

  override addEventListener<K extends keyof WebSocketEventMap>(type: K, listener: Listener<WebSocketEventMap[K]> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: Listener<AnyEvent> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: Listener<never> | null, options?: ListenerOptions): void {
    this.link.listeners.add(type, listener, options);
  }

  override removeEventListener<K extends keyof WebSocketEventMap>(type: K, listener: Listener<WebSocketEventMap[K]> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: Listener<AnyEvent> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: Listener<never> | null, options?: ListenerOptions): void {
    this.link.listeners.remove(type, listener, options);
  }

  /** Dispatches to this WebSocket's listeners (its own events, or a DOM Event a caller made). */
  override dispatchEvent(event: AnyEvent): boolean {
    return this.link.listeners.dispatch(event);
  }
}
