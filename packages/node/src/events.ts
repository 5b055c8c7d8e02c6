import type { HandshakeInfo, TetherError } from '@tether/protocol';
import { WebSocketEvent, type AnyEvent } from './event-target';

// The events a WebSocket dispatches, shaped like the browser's (MessageEvent, CloseEvent, ErrorEvent),
// plus Node-only ones (ping, pong, handshake, redirect, drain). See event-target.ts for why they do
// not extend Node's `Event`.

/** What `message` events carry: a string for text, binary data as `binaryType` says. */
export type MessageData = string | Buffer | ArrayBuffer | Blob;

const NO_PORTS: readonly never[] = Object.freeze([]);

// Fields are assigned in constructors, not initialised as class fields: see WebSocketEvent.

export class MessageEvent<T = MessageData> extends WebSocketEvent {
  declare readonly data: T;
  /** The origin of the server (`ws://host:port`), as browsers report it. */
  declare readonly origin: string;

  constructor(type: string, init: { data: T; origin?: string }) {
    super(type);
    this.data = init.data;
    this.origin = init.origin ?? '';
  }

  get lastEventId(): string {
    return '';
  }

  get source(): null {
    return null;
  }

  get ports(): readonly never[] {
    return NO_PORTS;
  }
}

/** The fields of a `CloseEvent`, as its constructor takes them. */
export interface CloseEventInit {
  code?: number;
  reason?: string;
  wasClean?: boolean;
  /** The error the connection ended with, if it failed: reconnection logic need not listen to `error`. */
  error?: TetherError | undefined;
}

export class CloseEvent extends WebSocketEvent {
  declare readonly code: number;
  declare readonly reason: string;
  declare readonly wasClean: boolean;
  declare readonly error: TetherError | undefined;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
    this.error = init.error;
  }
}

export class ErrorEvent extends WebSocketEvent {
  /** The typed error: match on `error.code` (and `error.closeCode` for protocol errors). */
  declare readonly error: TetherError;
  declare readonly message: string;

  constructor(type: string, init: { error: TetherError }) {
    super(type);
    this.error = init.error;
    this.message = init.error.message;
  }
}

/** Sent once the server's 101 answer is in (or its refusal), before `open` or `error`. */
export class HandshakeEvent extends WebSocketEvent {
  declare readonly handshake: HandshakeInfo;

  constructor(type: string, init: { handshake: HandshakeInfo }) {
    super(type);
    this.handshake = init.handshake;
  }
}

/** A 3xx answer being followed (`followRedirects`). */
export class RedirectEvent extends WebSocketEvent {
  declare readonly status: number;
  /** Where the redirect leads, resolved against the URL that answered it. */
  declare readonly location: string;
  /** Whether Authorization, Cookie and Proxy-Authorization were dropped (the origin changed). */
  declare readonly crossOrigin: boolean;

  constructor(type: string, init: { status: number; location: string; crossOrigin: boolean }) {
    super(type);
    this.status = init.status;
    this.location = init.location;
    this.crossOrigin = init.crossOrigin;
  }
}

/** The events a `WebSocket` dispatches, by type: the WHATWG four and the Node-only extras. */
export interface WebSocketEventMap {
  open: WebSocketEvent;
  message: MessageEvent;
  error: ErrorEvent;
  close: CloseEvent;
  ping: MessageEvent<Buffer>;
  pong: MessageEvent<Buffer>;
  handshake: HandshakeEvent;
  redirect: RedirectEvent;
  /** Everything sent so far has been handed to the operating system: `bufferedAmount` is 0. */
  drain: WebSocketEvent;
}

/** A listener as `addEventListener` takes it: a function or an object with `handleEvent`. */
export type Listener<E> = ((event: E) => void) | { handleEvent(event: E): void };
/** An `on<type>` handler: `this` is the WebSocket. */
export type Handler<This, E> = ((this: This, event: E) => unknown) | null;

