// A scriptable WebSocket double for unit tests (not part of the package's exports).
import type { RawData, WebSocketConstructor } from './types';

type Handler = ((ev: never) => void) | null;
const call = (fn: Handler, ev: unknown) => (fn as ((ev: unknown) => void) | null)?.(ev);

export class FakeSocket {
  readyState = 0;
  binaryType = 'blob';
  protocol = '';
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  readonly sent: RawData[] = [];
  closedWith?: { code?: number | undefined; reason?: string | undefined };

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
    readonly options?: { headers?: Record<string, string> },
  ) {}

  send(data: RawData): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    if (this.readyState < 2) this.readyState = 2;
  }

  // Driving the double from a test:
  open(): void {
    this.readyState = 1;
    call(this.onopen, {});
  }

  receive(data: unknown): void {
    call(this.onmessage, { data });
  }

  error(error?: unknown): void {
    call(this.onerror, { error });
  }

  end(code = 1006, reason = '', wasClean = false): void {
    this.readyState = 3;
    call(this.onclose, { code, reason, wasClean });
  }

  /** Messages sent, decoded as JSON. */
  json(): unknown[] {
    return this.sent.map((d) => JSON.parse(String(d)));
  }
}

/** A socket with `ws`-style extras: `ping()`, `on()`, `terminate()`. */
export class PingSocket extends FakeSocket {
  pings = 0;
  terminated = false;
  readonly listeners = new Map<string, Array<(...args: unknown[]) => void>>();

  ping(): void {
    this.pings++;
  }

  on(event: string, fn: (...args: unknown[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

/** A transport whose sockets a test can reach, newest last. */
export function fakeTransport<S extends FakeSocket>(Kind: new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => S) {
  const sockets: S[] = [];
  const transport = function (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
    const s = new Kind(url, protocols, options);
    sockets.push(s);
    return s;
  } as unknown as WebSocketConstructor;
  return {
    transport,
    sockets,
    get last(): S {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket yet');
      return s;
    },
  };
}
