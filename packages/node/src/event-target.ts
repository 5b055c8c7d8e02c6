// The WebSocket's own event dispatch. Node's EventTarget needs Node's Event, whose constructor reads
// the clock (performance.now(), a few hundred ns on these machines) and whose dispatch is slow: with
// them, every received message paid about 250 ns before any user code ran. These classes keep the
// DOM's behaviour for a target without a tree: listeners in order, `once`, `signal`, listener
// objects, capture flags, removal during dispatch, stopImmediatePropagation, and an exception in
// one listener reported as an uncaught exception while the others still run.

/**
 * The base of every event a WebSocket dispatches, shaped like the DOM's `Event`. Fields are set by
 * plain assignment and constants are getters: class-field initialisers (define semantics) turned
 * slow, up to 1 µs an event, once V8 saw a second connection's events.
 */
export class WebSocketEvent {
  static readonly NONE = 0;
  static readonly CAPTURING_PHASE = 1;
  static readonly AT_TARGET = 2;
  static readonly BUBBLING_PHASE = 3;

  declare readonly type: string;
  declare target: EventTarget | null;
  declare currentTarget: EventTarget | null;
  declare eventPhase: number;
  /** @internal set by stopImmediatePropagation() */
  declare stopped: boolean;
  private declare stamp: number | undefined;

  constructor(type: string) {
    this.type = type;
    this.target = null;
    this.currentTarget = null;
    this.eventPhase = 0;
    this.stopped = false;
    this.stamp = undefined;
  }

  get bubbles(): boolean {
    return false;
  }

  get cancelable(): boolean {
    return false;
  }

  get composed(): boolean {
    return false;
  }

  get isTrusted(): boolean {
    return false;
  }

  get defaultPrevented(): boolean {
    return false;
  }

  /** When the event was first looked at (reading the clock at creation would cost every message). */
  get timeStamp(): number {
    this.stamp ??= performance.now();
    return this.stamp;
  }

  get srcElement(): EventTarget | null {
    return this.target;
  }

  composedPath(): EventTarget[] {
    return this.currentTarget === null ? [] : [this.currentTarget];
  }

  stopImmediatePropagation(): void {
    this.stopped = true;
  }

  /** Nothing to stop: the events do not bubble. */
  stopPropagation(): void {}

  /** Nothing to prevent: the events are not cancelable. */
  preventDefault(): void {}
}

/**
 * `EventTarget` for `extends`, without running its constructor: Node's allocates two Maps and more
 * per instance for listeners that a WebSocket keeps in its own `Listeners`, whose methods replace
 * all three of its own. Only the prototype chain is kept, so `instanceof EventTarget` holds, and
 * the statics, so that `util.inspect` still sees an EventTarget.
 */
export const LightEventTarget: typeof EventTarget = (() => {
  function EventTargetBase(): void {}
  EventTargetBase.prototype = EventTarget.prototype;
  Object.setPrototypeOf(EventTargetBase, EventTarget);
  return EventTargetBase as unknown as typeof EventTarget;
})();

/** What a WebSocket's listeners are called with: its own events, or a DOM Event dispatched by a user. */
export type AnyEvent = WebSocketEvent | Event;

type Callback = ((event: never) => unknown) | { handleEvent(event: never): unknown };

const CAPTURE = 1;
const ONCE = 2;
const REMOVED = 4;
/** The listener of an `on<type>` attribute: its callback is the current handler. */
const ATTRIBUTE = 8;

/**
 * One listener, and the link to the next one in the order they were added (all types in one
 * chain: a WebSocket has a handful of listeners, and one object each is what it can afford to
 * keep for every open connection).
 */
interface Entry {
  readonly type: string;
  callback: Callback;
  flags: number;
  /** When it was added: a dispatch calls only those added before it began. */
  readonly seq: number;
  next: Entry | null;
  /** Stops listening to the `signal` it was added with. */
  unlink: (() => void) | undefined;
}

/** `addEventListener`'s third argument: `capture` as a boolean, or the options object. */
export type ListenerOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };

function reportException(error: unknown): void {
  // As Node's EventTarget and browsers do: report, and let the other listeners run.
  process.nextTick(() => {
    throw error;
  });
}

const captureOf = (options: ListenerOptions | undefined): number => ((typeof options === 'boolean' ? options : options?.capture === true) ? CAPTURE : 0);

/** The listeners of one target, with its `on<type>` handlers among them in the order they were set. */
export class Listeners {
  private head: Entry | null = null;
  private tail: Entry | null = null;
  private seq = 0;
  /** Capturing listeners present: while none are, a dispatch makes one pass. */
  private captures = 0;

  constructor(private readonly target: EventTarget) {}

  private find(type: string, match: (e: Entry) => boolean): Entry | undefined {
    for (let e = this.head; e !== null; e = e.next) if (e.type === type && match(e)) return e;
    return undefined;
  }

  private append(type: string, callback: Callback, flags: number): Entry {
    const entry: Entry = { type, callback, flags, seq: ++this.seq, next: null, unlink: undefined };
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (flags & CAPTURE) this.captures++;
    return entry;
  }

  /** Takes an entry out of the chain; its own `next` is kept, so a dispatch standing on it goes on. */
  private drop(entry: Entry): void {
    entry.flags |= REMOVED;
    if (entry.flags & CAPTURE) this.captures--;
    entry.unlink?.();
    let previous: Entry | null = null;
    for (let e = this.head; e !== null; previous = e, e = e.next) {
      if (e !== entry) continue;
      if (previous === null) this.head = e.next;
      else previous.next = e.next;
      if (this.tail === e) this.tail = previous;
      return;
    }
  }

  add(type: string, callback: Callback | null | undefined, options?: ListenerOptions): void {
    if (callback === null || callback === undefined) return;
    const capture = captureOf(options);
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    if (this.find(type, (e) => e.callback === callback && (e.flags & (CAPTURE | ATTRIBUTE)) === capture)) return;
    const entry = this.append(type, callback, capture | (typeof options === 'object' && options.once === true ? ONCE : 0));
    if (signal !== undefined) {
      const onAbort = (): void => this.remove(type, callback, capture === CAPTURE);
      signal.addEventListener('abort', onAbort, { once: true });
      entry.unlink = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** Whether any listener waits for `type`. */
  has(type: string): boolean {
    return this.find(type, () => true) !== undefined;
  }

  remove(type: string, callback: Callback | null | undefined, options?: ListenerOptions): void {
    if (callback === null || callback === undefined) return;
    const capture = captureOf(options);
    const entry = this.find(type, (e) => e.callback === callback && (e.flags & (CAPTURE | ATTRIBUTE)) === capture);
    if (entry !== undefined) this.drop(entry);
  }

  /** The `on<type>` handler, or null. */
  handler<F>(type: string): F | null {
    return (this.find(type, (e) => (e.flags & ATTRIBUTE) !== 0)?.callback as F | undefined) ?? null;
  }

  /**
   * Sets the `on<type>` handler (DOM semantics): the first one set takes its place among the
   * listeners, a later one keeps that place, and anything but a function removes it.
   */
  setHandler(type: string, value: unknown): void {
    const entry = this.find(type, (e) => (e.flags & ATTRIBUTE) !== 0);
    if (typeof value !== 'function') {
      if (entry !== undefined) this.drop(entry);
    } else if (entry !== undefined) {
      entry.callback = value as Callback;
    } else {
      this.append(type, value as Callback, ATTRIBUTE);
    }
  }

  /**
   * Calls the listeners that were there when dispatch began, capturing ones first, as at a DOM
   * target; one removed meanwhile is skipped.
   */
  dispatch(event: AnyEvent): boolean {
    const own = event instanceof WebSocketEvent;
    if (own) {
      event.target = this.target;
      event.currentTarget = this.target;
      event.eventPhase = WebSocketEvent.AT_TARGET;
    }
    const last = this.seq;
    if (this.captures === 0 || this.run(event, last, CAPTURE)) this.run(event, last, 0);
    if (own) {
      event.currentTarget = null;
      event.eventPhase = WebSocketEvent.NONE;
    }
    return !event.defaultPrevented;
  }

  /** Runs the listeners of one phase; false once stopImmediatePropagation() was called. */
  private run(event: AnyEvent, last: number, capture: number): boolean {
    const type = event.type;
    for (let e = this.head; e !== null && e.seq <= last; e = e.next) {
      if (e.type !== type || (e.flags & (CAPTURE | REMOVED)) !== capture) continue;
      if (e.flags & ONCE) this.drop(e);
      this.invoke(e.callback, event);
      if (event instanceof WebSocketEvent && event.stopped) return false;
    }
    return true;
  }

  private invoke(callback: Callback, event: AnyEvent): void {
    try {
      if (typeof callback === 'function') (callback as (this: EventTarget, event: AnyEvent) => unknown).call(this.target, event);
      else (callback as { handleEvent(event: AnyEvent): unknown }).handleEvent(event);
    } catch (error) {
      reportException(error);
    }
  }
}
