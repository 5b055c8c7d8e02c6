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

interface Entry {
  readonly callback: Callback;
  readonly capture: boolean;
  readonly once: boolean;
  removed: boolean;
  unlink?: () => void;
}

/** `addEventListener`'s third argument: `capture` as a boolean, or the options object. */
export type ListenerOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };

function reportException(error: unknown): void {
  // As Node's EventTarget and browsers do: report, and let the other listeners run.
  process.nextTick(() => {
    throw error;
  });
}

/** The listener lists of one target, by event type. */
/** The listeners of one event type: a short chain, since a WebSocket has listeners for few types. */
interface TypeList {
  readonly type: string;
  readonly entries: Entry[];
  next: TypeList | null;
}

/** The listener lists of one target, by event type (a chain, lighter than a Map per WebSocket). */
export class Listeners {
  private head: TypeList | null = null;

  constructor(private readonly target: EventTarget) {}

  private list(type: string): Entry[] | undefined {
    for (let node = this.head; node !== null; node = node.next) if (node.type === type) return node.entries;
    return undefined;
  }

  add(type: string, callback: Callback | null | undefined, options?: ListenerOptions): void {
    if (callback === null || callback === undefined) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    const list = this.list(type);
    if (list?.some((e) => e.callback === callback && e.capture === capture)) return;
    const entry: Entry = { callback, capture, once: typeof options === 'object' && options.once === true, removed: false };
    if (signal !== undefined) {
      const onAbort = (): void => this.remove(type, callback, capture);
      signal.addEventListener('abort', onAbort, { once: true });
      entry.unlink = () => signal.removeEventListener('abort', onAbort);
    }
    if (list !== undefined) list.push(entry);
    // A one-element literal: `[]` then push would reserve room for 17.
    else this.head = { type, entries: [entry], next: this.head };
  }

  /** Whether any listener waits for `type`. */
  has(type: string): boolean {
    return this.list(type) !== undefined;
  }

  remove(type: string, callback: Callback | null | undefined, options?: ListenerOptions): void {
    const list = this.list(type);
    if (list === undefined || callback === null || callback === undefined) return;
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const index = list.findIndex((e) => e.callback === callback && e.capture === capture);
    if (index < 0) return;
    const [entry] = list.splice(index, 1);
    entry!.removed = true;
    entry!.unlink?.();
    if (list.length === 0) this.unlink(type);
  }

  private unlink(type: string): void {
    let previous: TypeList | null = null;
    for (let node = this.head; node !== null; previous = node, node = node.next) {
      if (node.type !== type) continue;
      if (previous === null) this.head = node.next;
      else previous.next = node.next;
      return;
    }
  }

  /** Calls the listeners registered when dispatch began, capturing ones first, as at a DOM target. */
  dispatch(event: AnyEvent): boolean {
    const list = this.list(event.type);
    const own = event instanceof WebSocketEvent;
    if (own) {
      event.target = this.target;
      event.currentTarget = this.target;
      event.eventPhase = WebSocketEvent.AT_TARGET;
    }
    if (list !== undefined && list.length === 1) {
      // The common case, one listener (often an on<type> handler): no snapshot, no phases.
      const entry = list[0]!;
      if (entry.once) this.remove(event.type, entry.callback, entry.capture);
      this.invoke(entry.callback, event);
    } else if (list !== undefined) {
      // A snapshot: listeners added during dispatch wait for the next event; removed ones are skipped.
      const snapshot = list.slice();
      if (this.run(snapshot, event, true)) this.run(snapshot, event, false);
    }
    if (own) {
      event.currentTarget = null;
      event.eventPhase = WebSocketEvent.NONE;
    }
    return !event.defaultPrevented;
  }

  /** Runs the listeners of one phase; false once stopImmediatePropagation() was called. */
  private run(snapshot: readonly Entry[], event: AnyEvent, capturing: boolean): boolean {
    for (const entry of snapshot) {
      if (entry.capture !== capturing || entry.removed) continue;
      if (entry.once) this.remove(event.type, entry.callback, entry.capture);
      this.invoke(entry.callback, event);
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
