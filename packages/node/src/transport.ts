import { isUtf8 } from 'node:buffer';
import type net from 'node:net';
import {
  ClientConnection,
  CloseCode,
  DEFAULTS as PROTOCOL_DEFAULTS,
  ErrorCode,
  HandshakeError,
  PERMESSAGE_DEFLATE,
  ProtocolError,
  ReadyState,
  TetherError,
  perMessageDeflateOffer,
  type ConnectionEvent,
  type ConnectionHandler,
  type ConnectionOptions,
  type HandshakeInfo,
  type PerMessageDeflateAgreement,
  type Utf8Routines,
} from '@tether/protocol';
import { dial, OWNER, type SocketOwner } from './connect';
import { decodeUtf8, encodeUtf8, encodeUtf8Into, utf8ByteLength, type OutgoingMessage } from './data';
import { Compressor, Decompressor } from './deflate';
import { allocFrame } from './frame-pool';
import type { ResolvedOptions } from './options';
import { Outbox, type OutboxSink, type ReadyMessage } from './outbox';
import { proxyFor, type ProxyConfig } from './proxy';
import { extensionsHeader, refusedHandshake } from './handshake-view';
import { headerList, redirectHeaders, resolveRedirect, withUrlCredentials, type HeaderList } from './redirect';
import { SocketWriter } from './writer';

// One WebSocket connection over Node sockets: the protocol core fed from and writing to a socket,
// decompression and the send queue around it, the timers, redirects, and the TCP close after the
// protocol-level close. It reports plain callbacks; websocket.ts turns them into DOM events.

export interface TransportEvents {
  /** The server answered the Upgrade request; `Transport#handshake` holds the view of it. */
  handshake(): void;
  open(protocol: string): void;
  message(data: string | Uint8Array): void;
  ping(data: Uint8Array): void;
  pong(data: Uint8Array): void;
  redirect(status: number, location: string, crossOrigin: boolean): void;
  error(error: TetherError): void;
  /** The protocol-level end: the TCP connection is being closed. */
  closing(): void;
  /** All over, TCP closed: once, last. */
  close(code: number, reason: string, wasClean: boolean, error: TetherError | undefined): void;
  /** Everything sent has been written out after the socket had asked to wait. */
  drain(): void;
}

/** One connection attempt (a redirect makes another): the core, and the handler it reports to. */
class Attempt implements ConnectionHandler {
  readonly conn: ClientConnection;
  readonly proxy: ProxyConfig | undefined;

  constructor(
    private readonly transport: Transport,
    url: string,
    options: ConnectionOptions,
    proxy: ResolvedOptions['proxy'],
    env: ResolvedOptions['env'],
  ) {
    this.conn = new ClientConnection(url, options, this);
    this.proxy = proxyFor(this.conn.request.target, proxy, env);
  }

  onWrite(bytes: Uint8Array): void {
    this.transport.onWrite(this, bytes);
  }

  onEvent(event: ConnectionEvent): void {
    this.transport.onEvent(this, event);
  }

  onMessage(data: string | Uint8Array): void {
    this.transport.onMessage(this, data);
  }
}

interface PendingRedirect {
  readonly next: Attempt;
  readonly status: number;
  readonly location: string;
  readonly crossOrigin: boolean;
}

/** Node's fast paths for the core, shared by every connection. */
const ALLOC = allocFrame;
const UTF8: Utf8Routines = { validate: isUtf8, decode: decodeUtf8, encode: encodeUtf8, byteLength: utf8ByteLength, encodeInto: encodeUtf8Into };

type OwnedSocket = net.Socket & { [OWNER]: Transport };

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[OWNER].onData(this, chunk);
}
function onSocketError(this: OwnedSocket, error: Error): void {
  this[OWNER].onSocketError(this, error);
}
function onSocketEnd(this: OwnedSocket): void {
  this[OWNER].onPeerEnd(this);
}
function onSocketClose(this: OwnedSocket): void {
  this[OWNER].onSocketClose(this);
}

export class Transport implements OutboxSink, SocketOwner {
  private attempt: Attempt;
  private headers: HeaderList;
  private socket: net.Socket | null = null;
  private socketError: Error | undefined;
  private socketClosed = false;
  private peerEnded = false;
  /** Aborts the dial in progress; null once it is done (an open connection keeps nothing of it). */
  private dialer: AbortController | null = null;
  private outbox: Outbox | null = null;
  private compressor: Compressor | null = null;
  private decompressor: Decompressor | null = null;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private redirect: PendingRedirect | null = null;
  private redirects = 0;
  private lastError: TetherError | undefined;
  private ended: { code: number; reason: string; wasClean: boolean } | null = null;
  private finished = false;
  private frames: Uint8Array[] | null = null;
  /** The view of a handshake the server refused (a 3xx followed, or a failure); null once one opens. */
  private refused: HandshakeInfo | null = null;
  private readonly writer: SocketWriter;
  /**
   * What the opening handshake needs (the options, resolved); null once the connection is open, so
   * that an open connection holds only `closeTimeout` of them.
   */
  private options: ResolvedOptions | null;
  private readonly closeTimeout: number;

  /** @throws TetherError for a bad URL, subprotocol, header or proxy (caller misuse). */
  constructor(
    url: string,
    options: ResolvedOptions,
    private readonly events: TransportEvents,
  ) {
    this.options = options;
    this.closeTimeout = options.closeTimeout;
    this.writer = new SocketWriter(events);
    this.headers = withUrlCredentials(url, headerList(options.headers));
    this.attempt = this.prepare(url, this.headers);
    this.handshakeTimer = setTimeout(() => this.timeout(), options.handshakeTimeout);
    this.handshakeTimer.unref();
    this.dial();
  }

  get url(): string {
    return this.attempt.conn.request.target.href;
  }

  get bufferedAmount(): number {
    return this.writer.bufferedAmount;
  }

  private prepare(url: string, headers: HeaderList): Attempt {
    const o = this.options!;
    const connection: ConnectionOptions = { headers, alloc: ALLOC, utf8: UTF8 };
    if (o.protocols !== undefined) connection.protocols = o.protocols;
    if (o.origin !== undefined) connection.origin = o.origin;
    if (o.maxPayload !== undefined) connection.maxPayload = o.maxPayload;
    if (o.maxHeaderBytes !== undefined) connection.maxHeaderBytes = o.maxHeaderBytes;
    if (o.fragmentSize !== undefined) connection.fragmentSize = o.fragmentSize;
    if (o.onFrame !== undefined) connection.onFrame = o.onFrame;
    if (o.deflate !== null) connection.extensions = [perMessageDeflateOffer({ clientMaxWindowBits: true, ...o.deflate.offer })];
    return new Attempt(this, url, connection, o.proxy, o.env);
  }

  /** What the last opening handshake sent and received (built on first use); null before an answer. */
  get handshake(): HandshakeInfo | null {
    return this.refused ?? this.attempt.conn.handshake ?? null;
  }

  /** `scheme://host[:port]` of the URL connected to (after redirects, the last one). */
  get origin(): string {
    const target = this.attempt.conn.request.target;
    return [target.secure ? 'wss://' : 'ws://', target.host].join('');
  }

  /** The `Sec-WebSocket-Extensions` value of the handshake that opened the connection, or "". */
  get extensions(): string {
    const info = this.attempt.conn.handshake;
    return info === undefined ? '' : extensionsHeader(info);
  }

  private dial(): void {
    const { conn, proxy } = this.attempt;
    const o = this.options!;
    const controller = (this.dialer = new AbortController());
    dial(conn.request.target, { tls: o.tls, proxy, proxyTls: o.proxyTls, maxHeaderBytes: o.maxHeaderBytes, signal: controller.signal }, (error, socket) => {
      if (this.dialer === controller) this.dialer = null;
      if (this.attempt.conn !== conn || conn.readyState === ReadyState.CLOSED) {
        socket?.destroy();
        return;
      }
      if (error !== null) conn.connectionLost(error);
      else this.attach(conn, socket!);
    });
  }

  private attach(conn: ClientConnection, socket: net.Socket): void {
    this.socket = socket;
    this.writer.attach(socket);
    this.socketError = undefined;
    this.socketClosed = false;
    this.peerEnded = false;
    // Listeners shared by every connection (Node calls them with the socket as `this`), which finds
    // its transport through a symbol: no closures kept per connection.
    (socket as OwnedSocket)[OWNER] = this;
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    socket.resume();
    conn.start();
  }

  /** @internal Bytes from the socket of the attempt in progress (`reused`: see SocketOwner). */
  onData(socket: net.Socket, chunk: Buffer, reused = false): void {
    if (this.socket !== socket) return;
    const conn = this.attempt.conn;
    conn.receive(chunk, reused);
    if (conn.paused) socket.pause();
  }

  /** @internal */
  onSocketError(socket: net.Socket, error: Error): void {
    if (this.socket === socket) this.socketError ??= error;
  }

  /**
   * The server sent its FIN. The socket is half-open, so the client can still answer a close frame
   * that came just before it; once the protocol is done the client ends its side too.
   */
  /** @internal */
  onPeerEnd(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const conn = this.attempt.conn;
    this.peerEnded = true;
    if (conn.readyState === ReadyState.CLOSED) socket.end();
    // What arrived before the FIN still counts: the core holds it behind a message being inflated
    // (a server's last messages and its close frame, say), so the loss waits for the inflate.
    else if (!conn.paused) this.lose(conn);
  }

  /** @internal */
  onSocketClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const conn = this.attempt.conn;
    this.socketClosed = true;
    if (conn.readyState === ReadyState.CLOSED) this.finish();
    else if (!conn.paused) this.lose(conn);
  }

  /** The TCP connection is gone and the core has nothing left to read: the connection is lost. */
  private lose(conn: ClientConnection): void {
    const cause = this.socketError;
    if (cause === undefined) {
      conn.connectionLost();
      return;
    }
    const code = conn.readyState === ReadyState.CONNECTING ? ErrorCode.CONNECTION_FAILED : ErrorCode.CONNECTION_LOST;
    conn.connectionLost(new TetherError(code, `the connection failed: ${cause.message}`, { cause }));
  }

  // ---- Events from the protocol core ----

  /** @internal A message from an attempt's core (the hot path: no event object). */
  onMessage(attempt: Attempt, data: string | Uint8Array): void {
    if (this.attempt === attempt) this.events.message(data);
  }

  /** @internal An event from an attempt's core; those of an attempt given up are ignored. */
  onEvent(attempt: Attempt, event: ConnectionEvent): void {
    if (this.attempt !== attempt) return;
    const conn = attempt.conn;
    switch (event.type) {
      case 'open':
        this.onOpen(event);
        break;
      case 'message':
        this.events.message(event.data);
        break;
      case 'compressed':
        this.inflate(conn, event.text, event.data);
        break;
      case 'ping':
        this.events.ping(event.data);
        break;
      case 'pong':
        this.events.pong(event.data);
        break;
      case 'error':
        this.onError(conn, event.error);
        break;
      case 'close':
        this.onClose(event.code, event.reason, event.wasClean);
        break;
    }
  }

  private onOpen(event: Extract<ConnectionEvent, { type: 'open' }>): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    const o = this.options!;
    this.options = null;
    const deflate = o.deflate;
    const agreed = event.extensions.find((e) => e.name === PERMESSAGE_DEFLATE)?.agreed as PerMessageDeflateAgreement | undefined;
    if (agreed !== undefined && deflate !== null) {
      this.compressor = new Compressor(agreed, deflate.level, deflate.memLevel);
      this.decompressor = new Decompressor(agreed, o.maxPayload ?? PROTOCOL_DEFAULTS.maxPayload);
      // Messages wait in an outbox only behind compression or a Blob: without compression it is
      // made for the first Blob, and most connections never need one.
      this.outbox = new Outbox(this, this.compressor, deflate.threshold);
    }
    this.refused = null;
    this.events.handshake();
    this.events.open(event.protocol);
  }

  private onError(conn: ClientConnection, error: TetherError): void {
    // A refusal by the server (not by a proxy) still shows in the handshake view.
    if (error instanceof HandshakeError && error.status > 0 && error.code !== ErrorCode.PROXY_FAILED) {
      this.refused = refusedHandshake(conn.request, error);
      this.events.handshake();
    }
    const o = this.options;
    if (error instanceof HandshakeError && error.code === ErrorCode.HANDSHAKE_REDIRECT && o?.followRedirects) {
      if (this.redirects >= o.maxRedirects) {
        error = new TetherError(ErrorCode.TOO_MANY_REDIRECTS, `more than ${o.maxRedirects} redirects`, { cause: error });
      } else {
        try {
          this.redirect = this.prepareRedirect(conn, error);
          return;
        } catch (cause) {
          error = cause instanceof TetherError ? cause : new TetherError(ErrorCode.INVALID_URL, String(cause), { cause });
        }
      }
    }
    this.lastError = error;
    this.events.error(error);
  }

  private prepareRedirect(conn: ClientConnection, error: HandshakeError): PendingRedirect {
    const location = error.headers['location'] ?? '';
    const redirect = resolveRedirect(conn.request.target, location);
    // Credentials for the old origin are not carried to a new one (nor Proxy-Authorization).
    this.headers = withUrlCredentials(redirect.url, redirectHeaders(this.headers, redirect.crossOrigin));
    const next = this.prepare(redirect.url, this.headers);
    return { next, status: error.status, location: redirect.target.href, crossOrigin: redirect.crossOrigin };
  }

  private onClose(code: number, reason: string, wasClean: boolean): void {
    const redirect = this.redirect;
    if (redirect !== null) {
      this.redirect = null;
      this.redirects++;
      this.socket?.destroy();
      this.socket = null;
      this.writer.attach(null);
      this.attempt = redirect.next;
      this.events.redirect(redirect.status, redirect.location, redirect.crossOrigin);
      this.dial();
      return;
    }
    this.ended = { code, reason, wasClean };
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.closeTimer);
    this.outbox?.close();
    this.compressor?.close();
    this.decompressor?.close();
    this.events.closing();
    const socket = this.socket;
    if (socket === null || socket.destroyed || this.socketClosed) {
      this.dialer?.abort();
      this.finish();
      return;
    }
    // Nothing more is read, but reading on lets the server's FIN arrive.
    socket.resume();
    // RFC 6455 §7.1.1: after a closing handshake the server closes TCP first (onPeerEnd then ends
    // this side); after a failure, or once the server's FIN is in, the close frame is flushed and
    // the connection dropped (§7.1.7). closeTimeout bounds both.
    if (!wasClean || this.peerEnded) {
      socket.end();
      socket.once('finish', () => socket.destroy());
    }
    this.closeTimer = setTimeout(() => socket.destroy(), this.closeTimeout);
    this.closeTimer.unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.closeTimer);
    const ended = this.ended ?? { code: CloseCode.Abnormal, reason: '', wasClean: false };
    this.events.close(ended.code, ended.reason, ended.wasClean, this.lastError);
  }

  private timeout(): void {
    const ms = this.options?.handshakeTimeout;
    this.abort(new TetherError(ErrorCode.HANDSHAKE_TIMEOUT, `the opening handshake did not complete within ${ms} ms`));
  }

  // ---- Compression ----

  private inflate(conn: ClientConnection, text: boolean, data: Uint8Array): void {
    this.decompressor!.decompress(data, (error, out) => {
      if (this.attempt.conn !== conn || conn.readyState === ReadyState.CLOSED) return;
      if (error !== null) this.fail(error);
      else conn.deliver(text, out!);
      // (deliver may have closed the connection: TS cannot see that through the call.)
      if (conn.paused || (conn.readyState as ReadyState) === ReadyState.CLOSED) return;
      if (this.socketClosed || this.peerEnded) this.lose(conn);
      else this.socket?.resume();
    });
  }

  /** Fails the connection for an error on this side (zlib, a Blob): close 1011 unless it says otherwise. */
  fail(error: TetherError): void {
    const conn = this.attempt.conn;
    conn.fail(error instanceof ProtocolError ? error : new ProtocolError(error.code, CloseCode.InternalError, error.message, { cause: error }));
  }

  // ---- Sending ----

  /** Queues a message; the caller has checked that the connection is open. */
  send(message: OutgoingMessage): void {
    this.writer.count(message.size);
    if (this.outbox !== null) this.outbox.send(message);
    else if (message.data instanceof Blob) (this.outbox = new Outbox(this, null, 0)).send(message);
    else this.transmit(message as ReadyMessage, false);
  }

  /** Counts a message sent after closing began, as the WHATWG `bufferedAmount` does, and drops it. */
  discard(size: number): void {
    this.writer.count(size);
  }

  ping(data: Uint8Array): void {
    this.attempt.conn.ping(data);
  }

  pong(data: Uint8Array): void {
    this.attempt.conn.pong(data);
  }

  /** Starts the closing handshake once the messages sent before have gone out. */
  close(code: number | undefined, reason: string | undefined): void {
    const conn = this.attempt.conn;
    if (this.ended !== null) return;
    const start = (): void => {
      conn.close(code, reason);
      if (conn.readyState !== ReadyState.CLOSING) return;
      const ms = this.closeTimeout;
      this.closeTimer = setTimeout(() => {
        this.socket?.destroy();
        conn.connectionLost(new TetherError(ErrorCode.CLOSE_TIMEOUT, `the server did not answer the close frame within ${ms} ms`));
      }, ms);
      this.closeTimer.unref();
    };
    if (this.outbox !== null) this.outbox.then(start);
    else start();
  }

  /** Ends the connection at once with `error` (close 1006): aborts, timeouts, terminate(). */
  abort(error: TetherError): void {
    const conn = this.attempt.conn;
    if (conn.readyState === ReadyState.CLOSED) return;
    this.redirect = null;
    this.socket?.destroy();
    conn.connectionLost(error);
  }

  /** Sends one message through the core now (the outbox calls this, in order). */
  transmit(message: ReadyMessage, compressed: boolean): void {
    const conn = this.attempt.conn;
    const frames: Uint8Array[] = (this.frames = []);
    try {
      if (compressed) conn.sendCompressed(message.text, message.data as Uint8Array);
      else if (typeof message.data === 'string') conn.sendText(message.data, message.size);
      else conn.sendBinary(message.data);
    } finally {
      this.frames = null;
    }
    this.writer.writeMessage(frames, message.size);
  }

  /** @internal Bytes from an attempt's core; those of an attempt given up are dropped. */
  onWrite(attempt: Attempt, bytes: Uint8Array): void {
    if (this.attempt !== attempt) return;
    if (this.frames !== null) this.frames.push(bytes);
    else this.writer.write(bytes);
  }
}
