import type { TetherError } from '@tether/protocol';
import type { Clock } from './clock';
import type { Codec } from './codec';
import type { StandardSchemaV1 } from './schema';

/** What travels in one WebSocket message: text as a string, binary as bytes. */
export type RawData = string | Uint8Array;

/** Either a value or something that produces it, now or later; called before each attempt. */
export type Resolvable<T> = T | (() => T | Promise<T>);

/**
 * The part of a WHATWG `WebSocket` the client uses. `ws`, undici, React Native, browsers and
 * Tether's own Node `WebSocket` all fit. Handlers are typed `(ev: never) => void` so that every
 * implementation's own event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Any WHATWG-compatible `WebSocket` constructor. The third argument is passed only when headers are set. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** `connecting` → `open` → (`reconnecting` → `connecting` …) → `closing` → `closed`. */
export type ClientState = 'connecting' | 'open' | 'closing' | 'reconnecting' | 'closed';

/** How one connection ended. `status` and `retryAfter` are set when a handshake was refused and the transport showed it. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly error?: TetherError;
  /** HTTP status of a refused handshake. */
  readonly status?: number;
  /** The server's `Retry-After`, in milliseconds. */
  readonly retryAfter?: number;
}

/** The `close` event: how the connection ended and whether the client will try again. */
export interface CloseEvent extends CloseInfo {
  readonly reconnect: boolean;
}

/** An error about one message carries the raw data it was about. */
export type ClientError = TetherError & { readonly data?: RawData };

/** Why the queue gave a message up: it was full, it outlived its `ttl`, or `queue.clear()` was called. */
export type DropReason = 'overflow' | 'expired' | 'cleared';
/** The `drop` event: a message the queue gave up, why, and the error its `written()` rejects with. */
export interface DropEvent<Out> {
  readonly message: Out;
  readonly reason: DropReason;
  readonly error: TetherError;
}

/** What `send` did with a message. `written()` settles when it reached a socket, or rejects when given up. */
export type SendResult =
  | { readonly status: 'sent' | 'queued'; written(): Promise<void> }
  | { readonly status: 'rejected'; readonly error: TetherError; written(): Promise<void> };

/**
 * What gives way when the queue is full: the oldest queued message (`drop-oldest`), the new one
 * (`drop-newest`, reported as dropped), or nothing, the send being rejected with `ERR_QUEUE_FULL` (`error`).
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Bounds of the queue that keeps messages sent while the connection is not open. */
export interface QueueOptions {
  /** Most messages kept while not connected (default 1000). */
  maxCount?: number;
  /** Most bytes kept, counted after encoding (default 1 MiB). */
  maxBytes?: number;
  /** Milliseconds a queued message stays before it is dropped as expired; 0 keeps it (default 0). */
  ttl?: number;
  /** What gives way when the queue is full (default `drop-oldest`). */
  overflow?: OverflowPolicy;
}

/** Exponential backoff with jitter between attempts; see docs/client.md for the edges. */
export interface ReconnectOptions {
  /** Delay cap of the first retry, in ms (default 500). */
  initialDelay?: number;
  /** Largest delay cap, in ms (default 30000). */
  maxDelay?: number;
  /** Growth of the cap per attempt (default 2). */
  factor?: number;
  /** `full` (default): uniform in [0, cap]; `equal`: [cap/2, cap]; `none`: the cap itself. */
  jitter?: 'full' | 'equal' | 'none';
  /** Consecutive failed attempts before giving up (default Infinity). */
  maxRetries?: number;
  /** Milliseconds a connection must stay open before the attempt count resets (default 5000). */
  minUptime?: number;
}

/**
 * Heartbeats: after `interval` ms of silence a probe goes out (a ping where the transport can send
 * one, else `message`); no sign of life within `timeout` closes the connection with 4000 and reconnects.
 */
export interface HeartbeatOptions {
  /** Milliseconds of silence before a probe (default 25000). */
  interval?: number;
  /** Milliseconds to wait for any sign of life after a probe (default 10000). */
  timeout?: number;
  /**
   * An application message sent as the probe where the transport cannot send pings (browsers).
   * Sent as is, outside the codec and the queue.
   */
  message?: RawData | (() => RawData);
  /** Recognises the server's answer to `message`, so it is not delivered as a message. */
  isReply?: (data: RawData) => boolean;
}

/** Options of one `client.request(...)`. */
export interface RequestOptions {
  /** Milliseconds to wait for the reply (default: the client's `requests.timeout`, 10000). */
  timeout?: number;
  signal?: AbortSignal;
}

/** The discriminator values of the members of `T` (never for types without a string field `K`). */
export type Tag<T, K extends PropertyKey> = T extends { readonly [P in K]: infer V } ? (V extends string ? V : never) : never;
/** The members of `T` whose field `K` may be `V`. */
export type Narrow<T, K extends PropertyKey, V> = T extends { readonly [P in K]: infer X } ? (V extends X ? T : never) : never;
/** Optional map from a request's discriminator to its reply's, for when the two differ. */
export type ReplyMap<In, Out, K extends string> = { readonly [P in Tag<Out, K>]?: Tag<In, K> };
/** The reply to `M`: by `R`, else the incoming member with the same discriminator, else any `In`. */
export type ReplyOf<In, K extends string, R, M> = Tag<M, K> extends keyof R
  ? Narrow<In, K, R[Tag<M, K>]>
  : [Tag<M, K>] extends [never]
    ? In
    : Tag<M, K> extends Tag<In, K>
      ? Narrow<In, K, Tag<M, K>>
      : In;

/** The client's own events (never produced by routing a message), with their listener shapes. */
export interface LifecycleEvents<In, Out> {
  open: (info: { readonly protocol: string }) => void;
  message: (message: In) => void;
  close: (event: CloseEvent) => void;
  error: (error: ClientError) => void;
  reconnecting: (info: { readonly attempt: number; readonly delay: number }) => void;
  state: (state: ClientState, previous: ClientState) => void;
  drop: (event: DropEvent<Out>) => void;
}

/** One event per discriminator value, with the payload narrowed; names of lifecycle events are never routed. */
export type RoutedEvents<In, K extends string> = {
  [V in Exclude<Tag<In, K>, keyof LifecycleEvents<In, unknown>>]: (message: Narrow<In, K, V>) => void;
};

/** Every event a client emits: its lifecycle events and one event per routed message type. */
export type ClientEvents<In, Out, K extends string> = LifecycleEvents<In, Out> & RoutedEvents<In, K>;

/** Options of `createClient`; only `url` is required. docs/client.md describes each one. */
export interface ClientOptions<In, Out, K extends string = 'type'> {
  /** `ws:` or `wss:` URL, or a function giving one before each attempt (to refresh a token). */
  url: Resolvable<string>;
  protocols?: Resolvable<string | string[] | undefined>;
  /** Handshake headers where the transport takes them (Node); ignored by browsers. */
  headers?: Resolvable<Record<string, string> | undefined>;
  /** A WHATWG-compatible `WebSocket` constructor; defaults to Tether's own (`@tether/node`) in Node and the native one in browsers. */
  transport?: WebSocketConstructor;
  /** `json` (default), `text`, `binary` or your own `{ encode, decode }`. */
  codec?: 'json' | 'text' | 'binary' | Codec<In, Out>;
  /** Incoming messages are validated with any Standard Schema (zod, valibot, arktype…). */
  schema?: StandardSchemaV1<unknown, In>;
  /** The field that routes messages to named events (default `type`). */
  discriminator?: K;
  /** Connect on the first `send`, `request` or `opened` instead of at once. */
  lazy?: boolean;
  /** Aborting it closes the client. */
  signal?: AbortSignal;
  /** Milliseconds for one attempt: resolving the URL and the opening handshake (default 10000). */
  connectTimeout?: number;
  /** Milliseconds `close()` waits for the closing handshake before abandoning the socket (default 5000). */
  closeTimeout?: number;
  reconnect?: ReconnectOptions | false;
  /** Decides whether to reconnect after a close the client did not ask for. See `shouldReconnect`. */
  shouldReconnect?: (info: CloseInfo) => boolean;
  queue?: QueueOptions;
  /** `false` turns heartbeats off. In Node (a transport with `ping()`) they are on by default. */
  heartbeat?: HeartbeatOptions | false;
  requests?: {
    /** Field carrying the correlation id in requests (default `id`). */
    idField?: string;
    /** Field carrying it in replies (default: `idField`). */
    replyField?: string;
    timeout?: number;
    createId?: () => string | number;
  };
  /** Timers and time; inject a fake one in tests. */
  clock?: Clock;
  /** Source of randomness for jitter, in [0, 1). */
  random?: () => number;
}
