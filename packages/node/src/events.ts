import type { HandshakeInfo, TetherError } from '@tether/protocol';

// The events a WebSocket dispatches, shaped like the browser's (MessageEvent, CloseEvent, ErrorEvent)
// on top of Node's own `Event` and `EventTarget`, plus Node-only ones (ping, pong, handshake,
// redirect, drain).

/** What `message` events carry: a string for text, binary data as `binaryType` says. */
export type MessageData = string | Buffer | ArrayBuffer | Blob;

export class MessageEvent<T = MessageData> extends Event {
  readonly data: T;
  /** The origin of the server (`ws://host:port`), as browsers report it. */
  readonly origin: string;
  readonly lastEventId = '';
  readonly source = null;
  readonly ports: readonly never[] = [];

  constructor(type: string, init: { data: T; origin?: string }) {
    super(type);
    this.data = init.data;
    this.origin = init.origin ?? '';
  }
}

export interface CloseEventInit {
  code?: number;
  reason?: string;
  wasClean?: boolean;
  /** The error the connection ended with, if it failed: reconnection logic need not listen to `error`. */
  error?: TetherError | undefined;
}

export class CloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly error: TetherError | undefined;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
    this.error = init.error;
  }
}

export class ErrorEvent extends Event {
  /** The typed error: match on `error.code` (and `error.closeCode` for protocol errors). */
  readonly error: TetherError;
  readonly message: string;

  constructor(type: string, init: { error: TetherError }) {
    super(type);
    this.error = init.error;
    this.message = init.error.message;
  }
}

/** Sent once the server's 101 answer is in (or its refusal), before `open` or `error`. */
export class HandshakeEvent extends Event {
  readonly handshake: HandshakeInfo;

  constructor(type: string, init: { handshake: HandshakeInfo }) {
    super(type);
    this.handshake = init.handshake;
  }
}

/** A 3xx answer being followed (`followRedirects`). */
export class RedirectEvent extends Event {
  readonly status: number;
  /** Where the redirect leads, resolved against the URL that answered it. */
  readonly location: string;
  /** Whether Authorization, Cookie and Proxy-Authorization were dropped (the origin changed). */
  readonly crossOrigin: boolean;

  constructor(type: string, init: { status: number; location: string; crossOrigin: boolean }) {
    super(type);
    this.status = init.status;
    this.location = init.location;
    this.crossOrigin = init.crossOrigin;
  }
}

export interface WebSocketEventMap {
  open: Event;
  message: MessageEvent;
  error: ErrorEvent;
  close: CloseEvent;
  ping: MessageEvent<Buffer>;
  pong: MessageEvent<Buffer>;
  handshake: HandshakeEvent;
  redirect: RedirectEvent;
  /** Everything sent so far has been handed to the operating system: `bufferedAmount` is 0. */
  drain: Event;
}

export type Listener<E> = ((event: E) => void) | { handleEvent(event: E): void };
export type ListenerOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };
/** An `on<type>` handler: `this` is the WebSocket. */
export type Handler<This, E> = ((this: This, event: E) => unknown) | null;

interface Slot {
  handler: (event: Event) => unknown;
  readonly listener: (event: Event) => void;
}

/**
 * The `on<type>` event handler attributes as HTML defines them: assigning a handler adds one
 * listener at that point in the listener order; assigning another replaces the function but keeps
 * the position; assigning null (or a non-function) removes it.
 */
export class HandlerAttributes {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly target: EventTarget) {}

  get(type: string): ((event: Event) => unknown) | null {
    return this.slots.get(type)?.handler ?? null;
  }

  set(type: string, value: unknown): void {
    const slot = this.slots.get(type);
    if (typeof value !== 'function') {
      if (slot !== undefined) {
        this.target.removeEventListener(type, slot.listener);
        this.slots.delete(type);
      }
      return;
    }
    const handler = value as (event: Event) => unknown;
    if (slot !== undefined) {
      slot.handler = handler;
      return;
    }
    const target = this.target;
    const created: Slot = {
      handler,
      listener: (event) => {
        created.handler.call(target, event);
      },
    };
    this.slots.set(type, created);
    target.addEventListener(type, created.listener);
  }
}
