// The named export: the default one is typed wrongly for ESM importers under node16 resolution.
import { EventEmitter } from 'eventemitter3';
import type { TetherError } from '@tether/protocol';
// The platform module: the default WebSocket, and what a transport can tell beyond the WHATWG
// interface (Node only; the browser build has stubs, so it carries no code for it).
import { abandon, listenExtras, pinger, refusalOf, refused, transport as platformTransport } from '#transport';
import { backoff } from './backoff';
import { systemClock } from './clock';
import { type Codec, codecs, toRawData } from './codec';
import { DEFAULTS, shouldReconnect } from './defaults';
import { isOnline, watchEnvironment } from './environment';
// Error codes are written as literals (checked against ErrorCode by the compiler) and the errors
// made by a small local class, so that the catalogue and the protocol's classes stay out of
// browser bundles.
import { err, isTetherError } from './errors';
import type { Refusal } from './extras';
import { type Heartbeat, startHeartbeat } from './heartbeat';
import { createQueue, type Entry, entry, type MessageQueue, sendResult, settle } from './queue';
import type { StandardResult } from './schema';
import type { ClientEvents, ClientOptions, ClientState, CloseInfo, RawData, ReplyMap, ReplyOf, RequestOptions, SendResult, WebSocketLike } from './types';

const LIFECYCLE = ['open', 'message', 'close', 'error', 'reconnecting', 'state', 'drop'];
const resolve = <T>(v: T | (() => T | Promise<T>)): Promise<T> => new Promise((r) => r(typeof v === 'function' ? (v as () => T | Promise<T>)() : v));
const withData = (error: TetherError, data: RawData): TetherError => Object.assign(error, { data });

interface Pending {
  /** The connection that carried the request, once written. */
  conn?: number;
  done(error: TetherError | undefined, reply?: unknown): void;
}

type Base = { code: number; reason: string; wasClean: boolean };
type Emitter = { emit(event: string, ...args: unknown[]): unknown; on(event: string, fn: (v: never) => void): Emitter; off(event: string, fn: (v: never) => void): Emitter };

let requestSeq = 0;

/**
 * The client's workings, as closures over plain variables (they minify to one letter each, where
 * private fields would not), behind the thin `Client` class below.
 */
function start<In, Out>(ee: Emitter, o: ClientOptions<In, Out, string>) {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const policy = { ...DEFAULTS.reconnect, ...o.reconnect };
  const c = o.codec ?? 'json';
  const codec = (typeof c === 'string' ? codecs[c] : c) as Codec<In, Out>;
  const r = o.requests ?? {};
  const idField = r.idField ?? DEFAULTS.requests.idField;
  const hb = o.heartbeat;
  let state: ClientState = 'closed';
  let socket: WebSocketLike | undefined;
  /** The caller wants a connection (connect() called, close() not since). */
  let active = false;
  /** close() was called (or the signal aborted): a lazy client does not wake up on send any more. */
  let stopped = !!o.signal?.aborted;
  /** Bumped by dial() and close(), so that anything started before knows it is stale. */
  let gen = 0;
  /** Sockets created so far: the id of the current one. */
  let conn = 0;
  let attempt = 0;
  let openedAt: number | undefined;
  let timer: unknown;
  let beat: Heartbeat | undefined;
  let refusal: Refusal | undefined;
  let failure: TetherError | undefined;
  let unwatch = (): void => {};
  let inbox: Promise<void> | undefined;
  const waiters: Array<[() => void, (error: TetherError) => void]> = [];
  const closers: Array<() => void> = [];
  const pending = new Map<unknown, Pending>();

  /** Emits without letting a throwing listener break the client: the throw becomes an `error` event. */
  const fire = (event: string, ...args: unknown[]): void => {
    try {
      ee.emit(event, ...args);
    } catch (cause) {
      if (event !== 'error') fire('error', err('ERR_LISTENER_FAILED', `a '${event}' listener threw`, cause));
    }
  };
  const queue = createQueue<Out>({ ...DEFAULTS.queue, ...o.queue }, clock, (e, reason, error) => fire('drop', { message: e.message, reason, error }));
  const setState = (next: ClientState) => {
    const prev = state;
    state = next;
    if (prev !== next) fire('state', next, prev);
  };
  const settleWaiters = (error?: TetherError) => {
    for (const [ok, fail] of waiters.splice(0)) error ? fail(error) : ok();
  };
  const stopTimers = () => {
    clock.clearTimeout(timer);
    beat?.stop();
    beat = undefined;
  };
  /** True when the client is, or now starts, trying to connect (a lazy client wakes up here). */
  const wake = (): boolean => {
    if (!active && o.lazy && !stopped) connect();
    return active;
  };
  const retry = () => state === 'reconnecting' && void dial();

  function connect(): void {
    stopped = false;
    if (!active) {
      active = true;
      // Going offline leaves a browser's open WebSocket open, however dead: probe it at once, so
      // that a lost connection is found within the heartbeat's timeout.
      unwatch = watchEnvironment(clock, retry, () => (state === 'open' ? beat?.check() : retry()), () => state === 'open' && beat?.check());
    }
    // Connecting or open: nothing to do. Closing: dial() follows once the socket is closed.
    if (state === 'closed' || state === 'reconnecting') void dial();
  }

  function close(code: number, reason: string): Promise<void> {
    if (code !== 1000 && !(code >= 3000 && code <= 4999)) throw err('ERR_INVALID_ARGUMENT', `close code must be 1000 or 3000-4999, got ${code}`);
    const error = err('ERR_CLOSED', 'the client was closed');
    active = false;
    stopped = true;
    gen++;
    unwatch();
    stopTimers();
    settleWaiters(error);
    pending.forEach((p) => p.done(error));
    const s = socket;
    if (state === 'closed') return Promise.resolve();
    const done = new Promise<void>((r) => closers.push(r));
    if (state === 'open' && s) {
      setState('closing');
      s.close(code, reason);
      timer = clock.setTimeout(
        () => lose(1006, '', err('ERR_CLOSE_TIMEOUT', 'the server did not complete the closing handshake')),
        o.closeTimeout ?? DEFAULTS.closeTimeout,
      );
    } else if (state !== 'closing') {
      // Connecting or waiting to reconnect: nothing to say goodbye to.
      if (s) lose(1006, '');
      else ended({ code, reason, wasClean: false }, false);
    }
    return done;
  }

  /** Encodes, then writes now, queues, or refuses; the entry's outcome and the status tell which. */
  function submit(message: Out, ttl?: number, onWrite?: () => void): [Entry<Out>, SendResult['status']] {
    let data: RawData = '';
    let error: TetherError | undefined;
    try {
      data = codec.encode(message);
    } catch (cause) {
      error = err('ERR_INVALID_ARGUMENT', 'the message could not be encoded', cause);
    }
    const t = ttl ?? o.queue?.ttl ?? DEFAULTS.queue.ttl;
    const e = error ? entry(message, '', Infinity) : entry(message, data, t > 0 ? clock.now() + t : Infinity, onWrite);
    if (!error && !wake()) error = err('ERR_CLOSED', 'the client is closed');
    if (error) return settle(e, error), [e, 'rejected'];
    if (state === 'open' && !queue.size && write(e)) return [e, 'sent'];
    error = queue.push(e);
    if (error && (o.queue?.overflow ?? DEFAULTS.queue.overflow) === 'error') fire('error', error);
    return [e, error ? 'rejected' : 'queued'];
  }

  function write(e: Entry<Out>): boolean {
    const s = socket;
    try {
      if (s?.readyState !== 1 || state !== 'open') return false;
      s.send(e.data);
    } catch {
      return false;
    }
    settle(e, null);
    return true;
  }

  function request(message: Out, { timeout, signal }: RequestOptions): Promise<unknown> {
    const id = r.createId ? r.createId() : String(++requestSeq);
    return new Promise((ok, fail) => {
      if (typeof message !== 'object' || message === null) return fail(err('ERR_INVALID_ARGUMENT', 'a request must be an object'));
      let e: Entry<Out> | undefined;
      const onAbort = () => p.done(err('ERR_ABORTED', 'the request was aborted', signal?.reason));
      const t = clock.setTimeout(() => p.done(err('ERR_REQUEST_TIMEOUT', 'no reply in time')), timeout ?? r.timeout ?? DEFAULTS.requests.timeout);
      const p: Pending = {
        done: (error, reply) => {
          pending.delete(id);
          clock.clearTimeout(t);
          signal?.removeEventListener('abort', onAbort);
          if (!error) return ok(reply);
          if (e) queue.remove(e);
          fail(error);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      pending.set(id, p);
      [e] = submit({ ...message, [idField]: id }, undefined, () => (p.conn = conn));
      // Refused, or dropped from the queue (overflow, expiry, clear): the request fails with that reason.
      if (e.outcome) p.done(e.outcome);
      else (e.waiters ??= []).push((error) => error && p.done(error));
    });
  }

  async function* iterate(): AsyncGenerator<In, void, undefined> {
    const buffer: In[] = [];
    let next = () => {};
    let ended = false;
    const push = (m: In) => {
      buffer.push(m);
      next();
    };
    const stop = (s: ClientState) => {
      if (s === 'closed' && !active) ((ended = true), next());
    };
    ee.on('message', push).on('state', stop);
    wake(); // iterating a lazy client connects it
    try {
      for (;;) {
        if (buffer.length > DEFAULTS.iteratorLimit) throw err('ERR_QUEUE_FULL', 'the iterator fell behind');
        if (buffer.length) yield buffer.shift() as In;
        else if (ended || (state === 'closed' && !active)) return;
        else await new Promise<void>((r) => (next = r));
      }
    } finally {
      ee.off('message', push).off('state', stop);
    }
  }

  async function dial(): Promise<void> {
    const g = ++gen;
    stopTimers();
    refusal = failure = openedAt = undefined;
    if (!isOnline()) {
      // No attempt while the platform knows it is offline; the `online` event dials at once.
      setState('reconnecting');
      return retryIn(backoff(attempt, policy, random));
    }
    setState('connecting');
    const timeout = err('ERR_HANDSHAKE_TIMEOUT', 'the connection did not open in time');
    timer = clock.setTimeout(() => {
      gen++; // cancels a URL still being resolved
      lose(4001, 'connect timeout', timeout);
    }, o.connectTimeout ?? DEFAULTS.connectTimeout);
    let s: WebSocketLike;
    try {
      const [url, protocols, headers] = await Promise.all([resolve(o.url), resolve(o.protocols), resolve(o.headers)]);
      if (g !== gen) return;
      const T = o.transport ?? platformTransport;
      s = headers ? new T(url, protocols, { headers }) : new T(url, protocols);
    } catch (cause) {
      if (g !== gen) return;
      failure = err('ERR_CONNECTION_FAILED', 'could not start a connection', cause);
      return ended({ code: 1006, reason: '', wasClean: false });
    }
    socket = s;
    const id = ++conn;
    const mine = () => socket === s && conn === id;
    if (s.binaryType === 'blob') s.binaryType = 'arraybuffer';
    s.onopen = () => mine() && opened(s);
    s.onmessage = (ev: { data: unknown }) => mine() && receive(ev.data);
    s.onerror = (ev: unknown) => {
      if (!mine()) return;
      refusal ??= refusalOf(ev);
      // The error of an event, else the event; a failure before the open, else a loss.
      const cause = (ev as { error?: unknown } | null)?.error ?? ev;
      const m = (cause as { message?: unknown } | null)?.message;
      failure ??= isTetherError(cause)
        ? cause
        : err(openedAt === undefined ? 'ERR_CONNECTION_FAILED' : 'ERR_CONNECTION_LOST', typeof m === 'string' && m ? m : 'WebSocket error', cause);
    };
    s.onclose = (ev: { code?: number; reason?: string; wasClean?: boolean }) => {
      if (!mine()) return;
      socket = undefined;
      ended({ code: ev.code ?? 1006, reason: ev.reason ?? '', wasClean: ev.wasClean ?? false });
    };
    listenExtras(
      s,
      () => mine() && beat?.alive(),
      (x) => mine() && (refusal = x),
    );
  }

  function opened(s: WebSocketLike): void {
    clock.clearTimeout(timer);
    openedAt = clock.now();
    setState('open');
    if (hb !== false) {
      const { interval, timeout, message: m } = { ...DEFAULTS.heartbeat, ...hb };
      const probe = m !== undefined ? () => s.send(typeof m === 'function' ? m() : m) : pinger(s);
      if (probe)
        beat = startHeartbeat(clock, interval, timeout, probe, () =>
          lose(4000, 'heartbeat timeout', err('ERR_HEARTBEAT_TIMEOUT', `no sign of life for ${interval + timeout} ms`)),
        );
    }
    // Queued messages go out before anything an `open` listener sends.
    queue.flush(write);
    if (socket !== s) return;
    fire('open', { protocol: (s as { protocol?: string }).protocol ?? '' });
    settleWaiters();
  }

  function receive(raw: unknown): void {
    beat?.alive();
    let data: RawData = '';
    let value: In;
    try {
      data = toRawData(raw);
      if (hb && hb.isReply?.(data)) return;
      value = codec.decode(data);
    } catch (cause) {
      return fire('error', withData(err('ERR_DECODE_FAILED', 'a message could not be decoded', cause), data));
    }
    const schema = o.schema?.['~standard'];
    if (!schema) return deliver(value);
    const invalid = (cause: unknown) => fire('error', withData(err('ERR_VALIDATION_FAILED', 'a message failed validation', cause), data));
    const accept = (x: StandardResult<In>) => (x.issues ? invalid(x.issues) : deliver(x.value));
    let result: ReturnType<typeof schema.validate>;
    try {
      result = schema.validate(value);
    } catch (cause) {
      return invalid(cause);
    }
    if (!inbox && !(result instanceof Promise)) return accept(result);
    // An asynchronous validator: keep the order of arrival.
    const next: Promise<void> = (inbox = (inbox ?? Promise.resolve())
      .then(() => result)
      .then(accept, invalid)
      .then(() => {
        if (inbox === next) inbox = undefined;
      }));
  }

  function deliver(value: In): void {
    const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    const reply = v && pending.get(v[r.replyField ?? idField]);
    if (reply) return reply.done(undefined, value);
    fire('message', value);
    const tag = v?.[o.discriminator ?? DEFAULTS.discriminator];
    if (typeof tag === 'string' && !LIFECYCLE.includes(tag)) fire(tag, value);
  }

  /** Gives the current socket (if any) up at once (dead, too slow to open or to close) and carries on. */
  function lose(code: number, reason: string, error?: TetherError): void {
    const s = socket;
    socket = undefined;
    if (s) abandon(s, code, reason);
    if (error) failure = error;
    ended({ code, reason, wasClean: false });
  }

  /** A socket (or an attempt) ended: report it, then reconnect or settle as closed. */
  function ended(base: Base, report = true): void {
    const prev = state;
    const id = conn;
    const now = clock.now();
    stopTimers();
    const info: { -readonly [P in keyof CloseInfo]: CloseInfo[P] } = { ...base };
    const error = refusal ? refused(refusal, info, now) : failure;
    if (error) info.error = error;
    if (openedAt !== undefined && now - openedAt >= policy.minUptime) attempt = 0;
    pending.forEach((p) => p.conn === id && p.done(err('ERR_CONNECTION_LOST', 'the connection carrying the request closed')));
    const resume = prev === 'closing' && active;
    let again = resume;
    if (active && !resume && o.reconnect !== false && attempt < policy.maxRetries) {
      try {
        again = !!(o.shouldReconnect ?? shouldReconnect)(info);
      } catch {}
    }
    const delay = resume ? 0 : backoff(attempt, policy, random) + (info.retryAfter ?? 0);
    if (again && !resume) attempt++;
    state = again ? 'reconnecting' : 'closed';
    if (!again) {
      active = false; // given up, if it was not asked for
      unwatch();
    }
    closers.splice(0).forEach((f) => f());
    const g = gen;
    if (report && error) fire('error', error);
    if (report) fire('close', { ...info, reconnect: again });
    if (g !== gen) return; // a listener called connect() or close()
    if (prev !== state) fire('state', state, prev);
    if (g !== gen) return;
    if (again) return retryIn(delay);
    settleWaiters(error ?? err('ERR_CLOSED', 'the client closed'));
  }

  function retryIn(delay: number): void {
    const g = gen;
    timer = clock.setTimeout(() => g === gen && void dial(), delay);
    fire('reconnecting', { attempt, delay });
  }

  if (!o.lazy && !stopped) connect();
  o.signal?.addEventListener('abort', () => void close(1000, ''), { once: true });

  return {
    queue,
    state: () => state,
    connect,
    close,
    opened: (): Promise<void> =>
      state === 'open'
        ? Promise.resolve()
        : wake()
          ? new Promise((ok, fail) => waiters.push([ok, fail]))
          : Promise.reject(err('ERR_CLOSED', 'the client is closed')),
    send: (message: Out, ttl?: number): SendResult => sendResult(...submit(message, ttl)),
    request,
    iterate,
  };
}

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
  readonly #c: ReturnType<typeof start<In, Out>>;

  constructor(o: ClientOptions<In, Out, K>) {
    super();
    this.queue = (this.#c = start(this as unknown as Emitter, o)).queue;
  }

  /** `connecting`, `open`, `closing`, `reconnecting` or `closed`. */
  get state(): ClientState {
    return this.#c.state();
  }

  /** Starts connecting, or connects again after `close()`. Safe to call any number of times. */
  connect(): void {
    this.#c.connect();
  }

  /**
   * Stops reconnecting and closes the connection; resolves once closed. Safe in any state and any
   * number of times. Queued messages stay queued (see `queue.clear()`).
   */
  close(code = 1000, reason = ''): Promise<void> {
    return this.#c.close(code, reason);
  }

  /** Resolves when the connection is open (connecting a lazy client); rejects if the client closes first. */
  opened(): Promise<void> {
    return this.#c.opened();
  }

  /**
   * Sends now when open, else queues (then it goes out first on the next open). Says which; a
   * rejected message carries why. `written()` settles once the message reached a socket.
   */
  send(message: Out, options?: { ttl?: number }): SendResult {
    return this.#c.send(message, options?.ttl);
  }

  /** Sends `message` with a fresh correlation id and resolves with the reply carrying the same id. */
  request<M extends Out>(message: M, options: RequestOptions = {}): Promise<ReplyOf<In, K, R, M>> {
    return this.#c.request(message, options) as Promise<ReplyOf<In, K, R, M>>;
  }

  /** `for await (const m of client)`: every message until the client is closed for good. */
  [Symbol.asyncIterator](): AsyncGenerator<In, void, undefined> {
    return this.#c.iterate();
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
