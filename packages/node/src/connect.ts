import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, HandshakeError, HttpResponseParser, TetherError, type WebSocketTarget } from '@tether/protocol';
import type { TlsOptions } from './options';
import { connectRequest, type ProxyConfig } from './proxy';

// Opening the byte stream a WebSocket runs over: TCP, then the CONNECT tunnel of an HTTP proxy
// when there is one (itself over TLS for an `https:` proxy), then TLS for `wss:`. Each step fails
// with its own error code; an abort or a timeout destroys whatever socket is open at the time.

export interface DialOptions {
  readonly tls: TlsOptions;
  readonly proxy: ProxyConfig | undefined;
  readonly proxyTls: TlsOptions;
  readonly maxHeaderBytes: number | undefined;
  /** Aborting it destroys the socket and ends the dial with ERR_ABORTED. */
  readonly signal: AbortSignal;
}

/** Called exactly once: with the socket, ready for the Upgrade request, or with a typed error. */
export type DialDone = (error: TetherError | null, socket?: net.Socket) => void;

type StepDone = (error: TetherError | null) => void;

/**
 * Reads of up to 1 MiB into one buffer that every socket of the process shares. Node's own reads
 * are of 64 KiB: a bulk transfer then takes 16 times the system calls and wake-ups, and measured
 * about 1.6 times slower over loopback. The transport's core reads straight from the buffer and
 * copies only what it keeps; before the transport owns the socket, each read is copied out at its
 * size and emitted as `data`, as the socket would. Sharing is safe: a read's callback runs to its
 * end before any other socket reads.
 */
const READ_SIZE = 1024 * 1024;
let readBuffer: Buffer | undefined;

/** Where a socket's owner (its transport) is found, for reads handed over without a copy. */
export const OWNER = Symbol('tether.transport');

/** What owns a socket once the WebSocket runs over it. */
export interface SocketOwner {
  /** Bytes read; with `reused`, `chunk` is the shared read buffer, written over once this returns. */
  onData(socket: net.Socket, chunk: Buffer, reused?: boolean): void;
}

/**
 * Called by Node as a method of the socket that read (`this`), for every socket alike: nothing is
 * made per connection.
 */
function onRead(this: net.Socket & { [OWNER]?: SocketOwner }, n: number, buffer: Buffer): boolean {
  const chunk = buffer.subarray(0, n);
  // The transport's core copies what it keeps; anyone else (the proxy step) gets a copy.
  if (this[OWNER] !== undefined) this[OWNER].onData(this, chunk, true);
  else this.emit('data', Buffer.from(chunk));
  return true;
}

function largeReads(): { buffer: Buffer; callback: (n: number, buffer: Buffer) => boolean } {
  readBuffer ??= Buffer.allocUnsafe(READ_SIZE);
  return { buffer: readBuffer, callback: onRead as (n: number, buffer: Buffer) => boolean };
}

function describe(cause: Error | undefined): string {
  if (cause === undefined) return 'the connection closed';
  const code = (cause as NodeJS.ErrnoException).code;
  return code !== undefined && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
}

/**
 * Waits for one step on a socket: `begin` starts it and calls `finish`. An error or close of the
 * socket on the way is turned into a typed error by `wrap`; the socket is destroyed on any failure.
 * The listeners are removed before `next` runs, so the next owner attaches its own synchronously.
 */
function step(socket: net.Socket, signal: AbortSignal, wrap: (cause: Error | undefined) => TetherError, begin: (finish: StepDone) => () => void, next: StepDone): void {
  let settled = false;
  let cleanup = (): void => {};
  const finish: StepDone = (error) => {
    if (settled) return;
    settled = true;
    socket.off('error', onError);
    socket.off('close', onClose);
    socket.off('end', onClose);
    signal.removeEventListener('abort', onAbort);
    cleanup();
    if (error !== null) socket.destroy();
    next(error);
  };
  const onError = (cause: Error): void => finish(wrap(cause));
  const onClose = (): void => finish(wrap(undefined));
  const onAbort = (): void => finish(new TetherError(ErrorCode.ABORTED, 'the connection attempt was aborted', { cause: signal.reason }));
  socket.on('error', onError);
  socket.on('close', onClose);
  // Sockets are half-open capable (see dial), so a peer's FIN shows as 'end', not 'close'.
  socket.on('end', onClose);
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) {
    onAbort();
    return;
  }
  cleanup = begin(finish);
}

function isIp(hostname: string): boolean {
  return net.isIP(hostname) !== 0;
}

/** TLS over an open socket, ALPN http/1.1, the certificate checked against `hostname` unless told not to. */
function startTls(raw: net.Socket, hostname: string, options: TlsOptions, signal: AbortSignal, what: string, next: DialDone): void {
  // allowHalfOpen is passed on to the TLSSocket by tls.connect, though @types/node omits it.
  const connectOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
    ...options,
    socket: raw,
    host: hostname,
    // RFC 6066 §3: SNI carries host names, never IP literals.
    ...(options.servername === undefined && !isIp(hostname) ? { servername: hostname } : {}),
    ALPNProtocols: ['http/1.1'],
    allowHalfOpen: true,
  };
  const socket = tls.connect(connectOptions);
  // Errors of the TCP socket below surface on the TLS socket that owns it.
  raw.on('error', (cause) => socket.destroy(cause));
  const wrap = (cause: Error | undefined): TetherError =>
    new TetherError(ErrorCode.TLS_FAILED, `the TLS handshake with ${what} failed: ${describe(cause)}`, { cause });
  step(
    socket,
    signal,
    wrap,
    (finish) => {
      const ready = (): void => finish(null);
      socket.once('secureConnect', ready);
      return () => socket.off('secureConnect', ready);
    },
    (error) => (error === null ? next(null, socket) : next(error)),
  );
}

/** RFC 9110 §9.3.6: CONNECT host:port; any 2xx answer opens the tunnel. */
function openTunnel(socket: net.Socket, target: WebSocketTarget, proxy: ProxyConfig, options: DialOptions, next: StepDone): void {
  const limits = options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes };
  const parser = new HttpResponseParser(limits);
  const wrap = (cause: Error | undefined): TetherError =>
    new TetherError(ErrorCode.PROXY_FAILED, `the proxy ${proxy.href} closed the connection before answering CONNECT: ${describe(cause)}`, { cause });
  step(
    socket,
    options.signal,
    wrap,
    (finish) => {
      const onData = (chunk: Buffer): void => {
        let parsed;
        try {
          parsed = parser.push(chunk);
        } catch (cause) {
          finish(new TetherError(ErrorCode.PROXY_FAILED, `the proxy ${proxy.href} sent a malformed answer to CONNECT`, { cause }));
          return;
        }
        if (parsed === undefined) return;
        // Nothing else may read until the next owner is in place.
        socket.pause();
        const { response, rest } = parsed;
        if (response.status < 200 || response.status > 299) {
          const message = `the proxy ${proxy.href} answered CONNECT with ${response.status} ${response.statusText}`;
          finish(new HandshakeError(ErrorCode.PROXY_FAILED, message, response.status, response.headers));
          return;
        }
        if (rest.length > 0) socket.unshift(Buffer.from(rest.buffer, rest.byteOffset, rest.length));
        finish(null);
      };
      socket.on('data', onData);
      socket.write(connectRequest(target, proxy));
      return () => socket.off('data', onData);
    },
    next,
  );
}

/**
 * Opens the stream to the server: TCP (Nagle off), the proxy tunnel, TLS for `wss:`. A plain socket
 * comes back paused when it went through a proxy; the caller resumes it once it listens.
 */
export function dial(target: WebSocketTarget, options: DialOptions, done: DialDone): void {
  const proxy = options.proxy;
  const first = proxy ?? target;
  const address = `${first.hostname}:${first.port}`;
  // Half-open: after the server's FIN the client may still have to write (its close frame echo).
  // Large reads where this socket carries the WebSocket's bytes in the clear (a TLSSocket over it
  // reads what it decrypts its own way, and takes no onread from tls.connect here).
  const clear = !target.secure && proxy?.secure !== true;
  const raw: net.Socket = net.connect({ host: first.hostname, port: first.port, allowHalfOpen: true, ...(clear ? { onread: largeReads() } : {}) });
  raw.setNoDelay(true);

  const secure = (socket: net.Socket): void => {
    if (!target.secure) {
      done(null, socket);
      return;
    }
    startTls(socket, target.hostname, options.tls, options.signal, `${target.hostname}:${target.port}`, done);
  };
  const tunnel = (socket: net.Socket): void => {
    if (proxy === undefined) {
      secure(socket);
      return;
    }
    openTunnel(socket, target, proxy, options, (error) => (error === null ? secure(socket) : done(error)));
  };
  const connected = (error: TetherError | null): void => {
    if (error !== null) {
      done(error);
      return;
    }
    if (proxy?.secure === true) {
      startTls(raw, proxy.hostname, options.proxyTls, options.signal, `the proxy ${proxy.href}`, (e, s) => (e === null ? tunnel(s!) : done(e)));
      return;
    }
    tunnel(raw);
  };
  const wrap = (cause: Error | undefined): TetherError =>
    new TetherError(
      proxy === undefined ? ErrorCode.CONNECTION_FAILED : ErrorCode.PROXY_FAILED,
      `could not connect to ${proxy === undefined ? '' : 'the proxy '}${address}: ${describe(cause)}`,
      { cause },
    );
  step(
    raw,
    options.signal,
    wrap,
    (finish) => {
      const ready = (): void => finish(null);
      raw.once('connect', ready);
      return () => raw.off('connect', ready);
    },
    connected,
  );
}
