import { DEFAULT_PORT } from './protocol';

export interface ChatOptions {
  /** The chat server, `ws://host:port`; the name is added as `?name=` on every attempt. */
  readonly server: string;
  readonly name: string;
  /** The app-level heartbeat (browsers cannot ping). Default: the client's, 25 s + 10 s. */
  readonly heartbeat?: { readonly interval: number; readonly timeout: number };
  /** The largest wait between attempts, ms. Default: the client's, 30 s. */
  readonly maxDelay?: number;
}

/**
 * Options from the page's query string, so one build serves a demo and the end-to-end tests:
 *
 *   ?server=ws://127.0.0.1:8787   the chat server (default: this host, port 8787)
 *   &name=alice                   who you are (default: guest-NNNN)
 *   &heartbeat=25000              ms of silence before the app-level probe
 *   &heartbeatTimeout=10000       ms to wait for its answer
 *   &maxDelay=30000               the longest wait between reconnection attempts
 */
export function readConfig(location: { readonly search: string; readonly hostname: string }, random: () => number = Math.random): ChatOptions {
  const q = new URLSearchParams(location.search);
  const ms = (name: string): number | undefined => {
    const v = Number(q.get(name) ?? Number.NaN);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const interval = ms('heartbeat');
  const timeout = ms('heartbeatTimeout');
  const maxDelay = ms('maxDelay');
  return {
    server: q.get('server') ?? `ws://${location.hostname || 'localhost'}:${DEFAULT_PORT}`,
    name: q.get('name')?.trim() || `guest-${Math.floor(1000 + random() * 9000)}`,
    ...(interval === undefined && timeout === undefined ? {} : { heartbeat: { interval: interval ?? 25_000, timeout: timeout ?? 10_000 } }),
    ...(maxDelay === undefined ? {} : { maxDelay }),
  };
}
