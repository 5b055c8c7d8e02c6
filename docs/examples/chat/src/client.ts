// The chat as a small store with no UI in it: one `createClient` from @tether/client, turned into
// immutable snapshots that a view renders. `subscribe` and `getSnapshot` have the shape React's
// `useSyncExternalStore` takes, so the DOM view in view.ts can be swapped for React components
// (or for @tether/react's hooks) without touching this file.
import { createClient, type Client, type ClientState, type CloseEvent } from '@tether/client';
import { MAX_TEXT, PING, PONG, type ChatLine, type ClientMessage, type ServerMessage } from './protocol';

export interface ChatOptions {
  /** The chat server, `ws://host:port`; the name is added as `?name=` on every attempt. */
  readonly server: string;
  readonly name: string;
  /** The app-level heartbeat (browsers cannot ping). Default: the client's, 25 s + 10 s. */
  readonly heartbeat?: { readonly interval: number; readonly timeout: number };
  /** The largest wait between attempts, ms. Default: the client's, 30 s. */
  readonly maxDelay?: number;
}

export interface LogEntry {
  readonly id: number;
  /** Page time, ms since the epoch. */
  readonly at: number;
  readonly text: string;
  readonly level: 'info' | 'warn';
}

export interface ChatSnapshot {
  readonly name: string;
  readonly state: ClientState;
  /** `navigator.onLine`: while false the client makes no attempt and waits for `online`. */
  readonly online: boolean;
  /** The attempt being waited for while `reconnecting` (1 for the first retry). */
  readonly attempt: number;
  /** When that attempt starts (ms since the epoch), while `reconnecting`. */
  readonly retryAt: number | undefined;
  /** Texts waiting in the client's queue for the next connection, oldest first. */
  readonly queued: readonly string[];
  readonly lines: readonly ChatLine[];
  readonly users: readonly string[];
  /** The connection's story, newest last: opens, closes with their codes and errors, offline and online. */
  readonly log: readonly LogEntry[];
}

export interface ChatStore {
  getSnapshot(): ChatSnapshot;
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Sends a line now, or queues it while disconnected. Returns false when refused. */
  say(text: string): boolean;
  /** Closes for good (the page is going away). */
  close(): Promise<void>;
}

const MAX_LINES = 200;
const MAX_LOG = 100;

/** Says what a close means in words: `1006`, `4000 heartbeat timeout (ERR_HEARTBEAT_TIMEOUT)`. */
export function describeClose(e: CloseEvent): string {
  const reason = e.reason ? ` ${e.reason}` : '';
  const error = e.error ? ` (${e.error.code})` : '';
  return `closed ${e.code}${reason}${error}`;
}

/** What the store needs from the page; tests and other hosts can give their own. */
export interface ChatEnvironment {
  now(): number;
  onLine(): boolean;
  /** Calls `fn` when the network comes or goes (`online`/`offline`); returns the unsubscribe. */
  watchNetwork(fn: () => void): () => void;
}

export const browserEnvironment: ChatEnvironment = {
  now: () => Date.now(),
  onLine: () => navigator.onLine,
  watchNetwork(fn) {
    addEventListener('online', fn);
    addEventListener('offline', fn);
    return () => {
      removeEventListener('online', fn);
      removeEventListener('offline', fn);
    };
  },
};

export function createChat(options: ChatOptions, env: ChatEnvironment = browserEnvironment): ChatStore {
  const client: Client<ServerMessage, ClientMessage> = createClient<ServerMessage, ClientMessage>({
    url: () => `${options.server}?name=${encodeURIComponent(options.name)}`,
    heartbeat: { ...options.heartbeat, message: PING, isReply: (data) => data === PONG },
    ...(options.maxDelay === undefined ? {} : { reconnect: { maxDelay: options.maxDelay } }),
  });

  const listeners = new Set<() => void>();
  let logId = 0;
  let snapshot: ChatSnapshot = {
    name: options.name,
    state: client.state,
    online: env.onLine(),
    attempt: 0,
    retryAt: undefined,
    queued: [],
    lines: [],
    users: [],
    log: [],
  };

  /** Replaces the snapshot (never mutates it) with what the client says now, plus `patch`. */
  const update = (patch: Partial<ChatSnapshot> = {}) => {
    const state = client.state;
    snapshot = {
      ...snapshot,
      state,
      online: env.onLine(),
      queued: client.queue.toArray().map((m) => m.text),
      ...(state === 'reconnecting' ? {} : { retryAt: undefined, attempt: 0 }),
      ...patch,
    };
    for (const listener of listeners) listener();
  };
  const log = (text: string, level: LogEntry['level'] = 'info') => {
    const entry = { id: ++logId, at: env.now(), text, level };
    update({ log: [...snapshot.log, entry].slice(-MAX_LOG) });
  };

  client.on('state', () => update());
  client.on('open', () => log('connected'));
  client.on('close', (e) => {
    // Who is here is known again from the next connection's first `presence`.
    snapshot = { ...snapshot, users: [] };
    log(describeClose(e), e.code === 1000 ? 'info' : 'warn');
  });
  // While offline the client re-checks on each wait without making an attempt; the countdown is
  // only shown for waits that end in one.
  client.on('reconnecting', ({ attempt, delay }) => update({ attempt, retryAt: env.now() + delay }));
  client.on('drop', ({ message, reason }) => log(`dropped "${message.text}" (${reason})`, 'warn'));
  client.on('chat', (line) => update({ lines: [...snapshot.lines, line].slice(-MAX_LINES) }));
  client.on('presence', ({ users }) => update({ users }));
  client.on('error', (error) => {
    // Connection errors are told by the close that follows; the others are worth a line.
    if (error.code === 'ERR_DECODE_FAILED' || error.code === 'ERR_LISTENER_FAILED') log(`error ${error.code}`, 'warn');
  });
  const unwatch = env.watchNetwork(() => log(env.onLine() ? 'online' : 'offline: no attempt until the network is back', env.onLine() ? 'info' : 'warn'));

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    say(text) {
      const trimmed = text.trim().slice(0, MAX_TEXT);
      if (!trimmed) return false;
      const result = client.send({ type: 'say', text: trimmed });
      if (result.status === 'rejected') log(`not sent: ${result.error.code}`, 'warn');
      update();
      return result.status !== 'rejected';
    },
    close() {
      unwatch();
      return client.close();
    },
  };
}
