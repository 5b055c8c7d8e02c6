import EventEmitter from 'eventemitter3';
// Error codes are written as literals (checked against ErrorCode by the compiler) so that the
// whole catalogue stays out of browser bundles.
import { TetherError } from '@tether/protocol';
import { transport as defaultTransport } from '#transport';
import { backoff, parseRetryAfter } from './backoff';
import { systemClock } from './clock';
import { type Codec, codecs, toRawData } from './codec';
import { isOnline, watchEnvironment } from './environment';
import { ClientCloseCode, DEFAULTS, shouldReconnect } from './defaults';
import { abandon, handshakeError, header, listenExtras, pinger, type Refusal, refusalOf } from './extras';
import { type Heartbeat, startHeartbeat } from './heartbeat';
import { type Entry, entry, MessageQueue, sendResult, settle } from './queue';
import type { StandardResult } from './schema';
import type {
  ClientError,
  ClientEvents,
  ClientOptions,
  ClientState,
  CloseInfo,
  RawData,
  ReplyMap,
  ReplyOf,
  RequestOptions,
  SendResult,
  WebSocketLike,
} from './types';

const LIFECYCLE = new Set(['open', 'message', 'close', 'error', 'reconnecting', 'state', 'drop']);
const resolve = <T>(v: T | (() => T | Promise<T>)): Promise<T> => new Promise((r) => r(typeof v === 'function' ? (v as () => T | Promise<T>)() : v));
const withData = (error: TetherError, data: RawData): ClientError => Object.assign(error, { data });

interface Pending {
  /** The connection that carried the request, once written. */
  conn?: number;
  done(error: TetherError | undefined, reply?: unknown): void;
}

type Writable<T> = { -readonly [P in keyof T]: T[P] };

/**
 * One logical connection that outlives sockets: typed events, reconnection with backoff, a
 * bounded queue for what is sent while disconnected, heartbeats and request/response.
 * Create it with `createClient`.
 */
export class Client<In = unknown, Out = unknown, K extends string = 'type', R = Record<never, never>> extends EventEmitter<
  ClientEvents<In, Out, K>
> {
  /** Messages waiting for a connection: `size`, `bytes`, `toArray()`, `clear()`. */
  readonly queue: MessageQueue<Out>;
  #current: ClientState = 'closed';
  #socket?: WebSocketLike | undefined;
  /** The caller wants a connection (connect() called, close() not since). */
  #active = false;
  /** close() was called: a lazy client does not wake up on send any more. */
  #stopped = false;
  /** Bumped by dial() and close(), so that anything started before knows it is stale. */
  #gen = 0;
  /** Sockets created so far; the id of the current one. */
  #conn = 0;
  #attempt = 0;
  #openedAt?: number | undefined;
  #timer: unknown;
  #beat?: Heartbeat | undefined;
  #refusal?: Refusal | undefined;
  #failure?: TetherError | undefined;
  #unwatch = (): void => {};
  #waiters: Array<[() => void, (error: TetherError) => void]> = [];
  #closers: Array<() => void> = [];
  #pending = new Map<unknown, Pending>();
  #inbox?: Promise<void> | undefined;
  readonly #codec: Codec<In, Out>;
  readonly #clock;
  readonly #backoff;

  readonly #o: ClientOptions<In, Out, K>;

  constructor(o: ClientOptions<In, Out, K>) {
    super();
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#backoff = { ...DEFAULTS.reconnect, ...o.reconnect };
    const c = o.codec ?? 'json';
    this.#codec = (typeof c === 'string' ? codecs[c] : c) as Codec<In, Out>;
    this.queue = new MessageQueue<Out>({ ...DEFAULTS.queue, ...o.queue }, this.#clock, (e, reason, error) =>
      this.#fire('drop', { message: e.message, reason, error }),
    );
    if (o.signal?.aborted) this.#stopped = true;
    o.signal?.addEventListener('abort', () => void this.close(), { once: true });
    if (!o.lazy && !this.#stopped) this.connect();
  }

  /** `connecting`, `open`, `closing`, `reconnecting` or `closed`. */
  get state(): ClientState {
    return this.#current;
  }

  /** Starts connecting, or connects again after `close()`. Safe to call any number of times. */
  connect(): void {
    this.#stopped = false;
    if (!this.#active) {
      this.#active = true;
      this.#unwatch = watchEnvironment(
        this.#clock,
        () => this.#current === 'reconnecting' && void this.#dial(),
        () => (this.#current === 'open' ? this.#beat?.check() : this.#current === 'reconnecting' && void this.#dial()),
      );
    }
    // Connecting or open: nothing to do. Closing: dial() follows once the socket is closed.
    if (this.#current === 'closed' || this.#current === 'reconnecting') void this.#dial();
  }

  /**
   * Stops reconnecting and closes the connection; resolves once closed. Safe in any state and any
   * number of times. Queued messages stay queued (see `queue.clear()`).
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new TetherError('ERR_INVALID_ARGUMENT', `close code must be 1000 or 3000-4999, got ${code}`);
    }
    const error = new TetherError('ERR_CLOSED', 'the client was closed');
    this.#active = false;
    this.#stopped = true;
    this.#gen++;
    this.#unwatch();
    this.#stopTimers();
    this.#settleWaiters(error);
    for (const p of [...this.#pending.values()]) p.done(error);
    const s = this.#socket;
    if (this.#current === 'closed') return Promise.resolve();
    const done = new Promise<void>((r) => this.#closers.push(r));
    if (this.#current === 'open' && s) {
      this.#setState('closing');
      s.close(code, reason);
      this.#timer = this.#clock.setTimeout(
        () => this.#lose(1006, '', new TetherError('ERR_CLOSE_TIMEOUT', 'the server did not complete the closing handshake')),
        this.#o.closeTimeout ?? DEFAULTS.closeTimeout,
      );
    } else if (this.#current !== 'closing') {
      // Connecting or waiting to reconnect: nothing to say goodbye to.
      if (s) this.#lose(1006, '');
      else this.#ended({ code, reason, wasClean: false }, false);
    }
    return done;
  }

  /** Resolves when the connection is open (connecting a lazy client); rejects if the client closes first. */
  opened(): Promise<void> {
    if (this.#current === 'open') return Promise.resolve();
    if (!this.#wake()) return Promise.reject(new TetherError('ERR_CLOSED', 'the client is closed'));
    return new Promise((resolve, reject) => this.#waiters.push([resolve, reject]));
  }

  /**
   * Sends now when open, else queues (then it goes out first on the next open). Says which; a
   * rejected message carries why. `written()` settles once the message reached a socket.
   */
  send(message: Out, options?: { ttl?: number }): SendResult {
    return this.#submit(message, options?.ttl)[0];
  }

  /** Sends `message` with a fresh correlation id and resolves with the reply carrying the same id. */
  request<M extends Out>(message: M, options: RequestOptions = {}): Promise<ReplyOf<In, K, R, M>> {
    const r = this.#o.requests;
    const id = r?.createId ? r.createId() : String(++requestSeq);
    const { signal } = options;
    return new Promise((resolveReply, reject) => {
      if (typeof message !== 'object' || message === null) {
        return reject(new TetherError('ERR_INVALID_ARGUMENT', 'a request must be an object'));
      }
      let queued: Entry<Out> | undefined;
      const onAbort = () => p.done(new TetherError('ERR_ABORTED', 'the request was aborted', { cause: signal?.reason }));
      const timer = this.#clock.setTimeout(
        () => p.done(new TetherError('ERR_REQUEST_TIMEOUT', 'no reply in time')),
        options.timeout ?? r?.timeout ?? DEFAULTS.requests.timeout,
      );
      const p: Pending = {
        done: (error, reply) => {
          this.#pending.delete(id);
          this.#clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (error && queued) this.queue.remove(queued);
          if (error) reject(error);
          else resolveReply(reply as ReplyOf<In, K, R, M>);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      this.#pending.set(id, p);
      const [result, e] = this.#submit({ ...(message as object), [r?.idField ?? DEFAULTS.requests.idField]: id } as M, undefined, () => (p.conn = this.#conn));
      if (result.status === 'queued') queued = e;
      // Refused, or dropped from the queue (overflow, expiry, clear): the request fails with that reason.
      result.written().catch((error: TetherError) => p.done(error));
    });
  }

  /** `for await (const m of client)`: every message until the client is closed for good. */
  async *[Symbol.asyncIterator](): AsyncGenerator<In, void, undefined> {
    const buffer: In[] = [];
    let wake = () => {};
    let ended = false;
    const push = (m: In) => {
      buffer.push(m);
      wake();
    };
    const stop = (s: ClientState) => {
      if (s === 'closed' && !this.#active) {
        ended = true;
        wake();
      }
    };
    const self = this as unknown as EventEmitter<{ message: (m: In) => void; state: (s: ClientState) => void }>;
    self.on('message', push).on('state', stop);
    this.#wake(); // iterating a lazy client connects it
    try {
      for (;;) {
        if (buffer.length > DEFAULTS.iteratorLimit) throw new TetherError('ERR_QUEUE_FULL', 'the iterator fell behind');
        if (buffer.length) yield buffer.shift() as In;
        else if (ended || (this.#current === 'closed' && !this.#active)) return;
        else await new Promise<void>((r) => (wake = r));
      }
    } finally {
      self.off('message', push).off('state', stop);
    }
  }

  #submit(message: Out, ttl?: number, onWrite?: () => void): [SendResult, Entry<Out>] {
    let data: RawData;
    try {
      data = this.#codec.encode(message);
    } catch (cause) {
      data = '';
      const e = entry(message, data, Infinity);
      settle(e, new TetherError('ERR_INVALID_ARGUMENT', 'the message could not be encoded', { cause }));
      return [sendResult(e, 'rejected'), e];
    }
    const t = ttl ?? this.#o.queue?.ttl ?? DEFAULTS.queue.ttl;
    const e = entry(message, data, t > 0 ? this.#clock.now() + t : Infinity);
    if (onWrite) e.onWrite = onWrite;
    if (!this.#wake()) {
      settle(e, new TetherError('ERR_CLOSED', 'the client is closed'));
      return [sendResult(e, 'rejected'), e];
    }
    if (this.#current === 'open' && !this.queue.size && this.#write(e)) return [sendResult(e, 'sent'), e];
    const error = this.queue.push(e);
    if (error && (this.#o.queue?.overflow ?? DEFAULTS.queue.overflow) === 'error') this.#fire('error', error);
    return [sendResult(e, error ? 'rejected' : 'queued'), e];
  }

  /** True when the client is, or now starts, trying to connect (a lazy client wakes up here). */
  #wake(): boolean {
    if (!this.#active && this.#o.lazy && !this.#stopped) this.connect();
    return this.#active;
  }

  #write(e: Entry<Out>): boolean {
    const s = this.#socket;
    if (!s || s.readyState !== 1 || this.#current !== 'open') return false;
    try {
      s.send(e.data);
    } catch {
      return false;
    }
    settle(e, null);
    return true;
  }

  async #dial(): Promise<void> {
    const gen = ++this.#gen;
    this.#stopTimers();
    this.#refusal = this.#failure = this.#openedAt = undefined;
    if (!isOnline()) {
      // No attempt while the platform knows it is offline; the `online` event dials at once.
      this.#setState('reconnecting');
      return this.#retryIn(backoff(this.#attempt, this.#backoff, this.#o.random ?? Math.random));
    }
    this.#setState('connecting');
    const timeout = new TetherError('ERR_HANDSHAKE_TIMEOUT', 'the connection did not open in time');
    this.#timer = this.#clock.setTimeout(() => {
      this.#gen++; // cancels a URL still being resolved
      if (this.#socket) this.#lose(ClientCloseCode.ConnectTimeout, 'connect timeout', timeout);
      else ((this.#failure = timeout), this.#ended({ code: ClientCloseCode.ConnectTimeout, reason: 'connect timeout', wasClean: false }));
    }, this.#o.connectTimeout ?? DEFAULTS.connectTimeout);
    let socket: WebSocketLike;
    try {
      const [url, protocols, headers] = await Promise.all([resolve(this.#o.url), resolve(this.#o.protocols), resolve(this.#o.headers)]);
      if (gen !== this.#gen) return;
      const T = this.#o.transport ?? defaultTransport;
      socket = headers ? new T(url, protocols, { headers }) : new T(url, protocols);
    } catch (cause) {
      if (gen !== this.#gen) return;
      this.#failure = new TetherError('ERR_CONNECTION_FAILED', 'could not start a connection', { cause });
      return this.#ended({ code: 1006, reason: '', wasClean: false });
    }
    this.#socket = socket;
    const id = ++this.#conn;
    const mine = () => this.#socket === socket && this.#conn === id;
    if (socket.binaryType === 'blob') socket.binaryType = 'arraybuffer';
    socket.onopen = () => mine() && this.#onOpen(socket);
    socket.onmessage = (ev: { data: unknown }) => mine() && this.#receive(ev.data);
    socket.onerror = (ev: unknown) => {
      if (!mine()) return;
      this.#refusal ??= refusalOf(ev);
      this.#failure ??= this.#toError(ev);
    };
    socket.onclose = (ev: { code?: number; reason?: string; wasClean?: boolean }) => {
      if (!mine()) return;
      this.#socket = undefined;
      this.#ended({ code: ev.code ?? 1006, reason: ev.reason ?? '', wasClean: ev.wasClean ?? false });
    };
    listenExtras(
      socket,
      () => mine() && this.#beat?.alive(),
      (r) => mine() && (this.#refusal = r),
    );
  }

  #onOpen(socket: WebSocketLike): void {
    this.#clock.clearTimeout(this.#timer);
    this.#openedAt = this.#clock.now();
    this.#setState('open');
    const hb = this.#o.heartbeat;
    const msg = hb ? hb.message : undefined;
    const send = msg !== undefined ? () => socket.send(typeof msg === 'function' ? msg() : msg) : pinger(socket);
    const probe = send
      ? () => {
          try {
            send();
          } catch {
            // The socket is closing (a ping on a closing `ws` throws): its close event follows.
          }
        }
      : undefined;
    if (hb !== false && probe) {
      const { interval, timeout } = { ...DEFAULTS.heartbeat, ...hb };
      const dead = new TetherError('ERR_HEARTBEAT_TIMEOUT', `no sign of life for ${interval + timeout} ms`);
      this.#beat = startHeartbeat(this.#clock, interval, timeout, probe, () => this.#lose(ClientCloseCode.HeartbeatTimeout, 'heartbeat timeout', dead));
    }
    // Queued messages go out before anything an `open` listener sends.
    this.queue.flush((e) => this.#write(e));
    if (this.#socket !== socket) return;
    this.#fire('open', { protocol: (socket as { protocol?: string }).protocol ?? '' });
    this.#settleWaiters();
  }

  #receive(raw: unknown): void {
    this.#beat?.alive();
    let data: RawData = '';
    let value: In;
    try {
      data = toRawData(raw);
      if (this.#o.heartbeat && this.#o.heartbeat.isReply?.(data)) return;
      value = this.#codec.decode(data);
    } catch (cause) {
      return this.#fire('error', withData(new TetherError('ERR_DECODE_FAILED', 'a message could not be decoded', { cause }), data));
    }
    const schema = this.#o.schema?.['~standard'];
    if (!schema) return this.#deliver(value);
    const invalid = (cause: unknown) =>
      this.#fire('error', withData(new TetherError('ERR_VALIDATION_FAILED', 'a message failed validation', { cause }), data));
    const accept = (r: StandardResult<In>) => (r.issues ? invalid(r.issues) : this.#deliver(r.value));
    let result: ReturnType<typeof schema.validate>;
    try {
      result = schema.validate(value);
    } catch (cause) {
      return invalid(cause);
    }
    if (!this.#inbox && !(result instanceof Promise)) return accept(result);
    // An asynchronous validator: keep the order of arrival.
    const next: Promise<void> = (this.#inbox ?? Promise.resolve()).then(() => result).then(accept, invalid);
    this.#inbox = next;
    void next.then(() => this.#inbox === next && (this.#inbox = undefined));
  }

  #deliver(value: In): void {
    const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    const reply = v && this.#pending.get(v[this.#o.requests?.replyField ?? this.#o.requests?.idField ?? DEFAULTS.requests.idField]);
    if (reply) return reply.done(undefined, value);
    this.#fire('message', value);
    const tag = v?.[this.#o.discriminator ?? DEFAULTS.discriminator];
    if (typeof tag === 'string' && !LIFECYCLE.has(tag)) this.#fire(tag, value);
  }

  /** Gives the current socket up at once (dead, too slow to open or to close) and carries on. */
  #lose(code: number, reason: string, error?: TetherError): void {
    const s = this.#socket;
    if (!s) return;
    this.#socket = undefined;
    abandon(s, code, reason);
    if (error) this.#failure = error;
    this.#ended({ code, reason, wasClean: false });
  }

  /** A socket (or an attempt) ended: report it, then reconnect or settle as closed. */
  #ended(base: { code: number; reason: string; wasClean: boolean }, report = true): void {
    const clock = this.#clock;
    const prev = this.#current;
    const conn = this.#conn;
    this.#stopTimers();
    const info: Writable<CloseInfo> = { ...base };
    const r = this.#refusal;
    const error = r ? handshakeError(r) : this.#failure;
    if (error) info.error = error;
    if (r) {
      info.status = r.status;
      const after = parseRetryAfter(header(r, 'retry-after'), clock.now());
      if (after !== undefined) info.retryAfter = after;
    }
    if (this.#openedAt !== undefined && clock.now() - this.#openedAt >= this.#backoff.minUptime) this.#attempt = 0;
    for (const p of [...this.#pending.values()]) if (p.conn === conn) p.done(new TetherError('ERR_CONNECTION_LOST', 'the connection carrying the request closed'));
    const resume = prev === 'closing' && this.#active;
    const policy = this.#o.shouldReconnect ?? shouldReconnect;
    const again =
      this.#active && (resume || (this.#o.reconnect !== false && this.#attempt < this.#backoff.maxRetries && safely(() => policy(info))));
    const delay = resume ? 0 : backoff(this.#attempt, this.#backoff, this.#o.random ?? Math.random) + (info.retryAfter ?? 0);
    if (again && !resume) this.#attempt++;
    this.#current = again ? 'reconnecting' : 'closed';
    if (!again) {
      this.#active = false; // given up, if it was not asked for
      this.#unwatch();
    }
    for (const c of this.#closers.splice(0)) c();
    const gen = this.#gen;
    if (report && error) this.#fire('error', error);
    if (report) this.#fire('close', { ...info, reconnect: again });
    if (gen !== this.#gen) return; // a listener called connect() or close()
    if (prev !== this.#current) this.#fire('state', this.#current, prev);
    if (gen !== this.#gen) return;
    if (again) return this.#retryIn(delay);
    this.#settleWaiters(error ?? new TetherError('ERR_CLOSED', 'the client closed'));
  }

  #retryIn(delay: number): void {
    const gen = this.#gen;
    this.#timer = this.#clock.setTimeout(() => gen === this.#gen && void this.#dial(), delay);
    this.#fire('reconnecting', { attempt: this.#attempt, delay });
  }

  #stopTimers(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#beat?.stop();
    this.#beat = undefined;
  }

  #setState(next: ClientState): void {
    const prev = this.#current;
    this.#current = next;
    if (prev !== next) this.#fire('state', next, prev);
  }

  #settleWaiters(error?: TetherError): void {
    for (const [ok, fail] of this.#waiters.splice(0)) error ? fail(error) : ok();
  }

  #toError(ev: unknown): TetherError {
    const cause = (ev as { error?: unknown } | null)?.error ?? ev;
    if (cause instanceof TetherError) return cause;
    const message = (cause as { message?: unknown } | null)?.message;
    const code = this.#openedAt === undefined ? 'ERR_CONNECTION_FAILED' : 'ERR_CONNECTION_LOST';
    return new TetherError(code, typeof message === 'string' && message ? message : 'WebSocket error', { cause });
  }

  /** Emits without letting a throwing listener break the client: the throw becomes an `error` event. */
  #fire(event: string, ...args: unknown[]): void {
    try {
      (this as unknown as EventEmitter).emit(event, ...args);
    } catch (cause) {
      if (event !== 'error') this.#fire('error', new TetherError('ERR_LISTENER_FAILED', `a '${event}' listener threw`, { cause }));
    }
  }
}

let requestSeq = 0;

function safely(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

/**
 * Creates a client. It connects at once unless `lazy`. `In` is what the server sends, `Out` what
 * the client sends, `K` the discriminator field and `R` an optional request → reply map.
 */
export function createClient<In = unknown, Out = unknown, K extends string = 'type', R extends ReplyMap<In, Out, K> = Record<never, never>>(
  options: ClientOptions<In, Out, K>,
): Client<In, Out, K, R> {
  return new Client<In, Out, K, R>(options);
}
