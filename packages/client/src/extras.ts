import { HandshakeError, type TetherError } from '@tether/protocol';
import { parseRetryAfter } from './backoff';
import type { CloseInfo, WebSocketLike } from './types';

/**
 * What some transports offer beyond the WHATWG interface, found by duck typing so that none is a
 * dependency: `ping()` with `pong` events (`ws` through `on`, Tether's Node `WebSocket` through
 * `addEventListener`; browsers have neither `ping()` nor such events), and the status and
 * headers of a refused handshake (`ws`'s `unexpected-response`, or a `HandshakeError` on the
 * error event of Tether's own). Only the Node build has these (transport.node.ts); the browser
 * build has stubs (transport.browser.ts).
 */
interface Extras {
  on?(event: string, fn: (...args: never[]) => void): unknown;
  addEventListener?(event: string, fn: () => void): void;
  ping?(): void;
  terminate?(): void;
}

export interface Refusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface HttpResponseLike {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
}

/** Listens for sign-of-life events and handshake refusals where the transport has them. */
export function listenExtras(socket: WebSocketLike, alive: () => void, refused: (r: Refusal) => void): void {
  const s = socket as WebSocketLike & Extras;
  if (typeof s.on !== 'function') {
    // Tether's own WebSocket is an EventTarget that dispatches `ping` and `pong` events.
    if (typeof s.ping === 'function' && typeof s.addEventListener === 'function') {
      s.addEventListener('pong', alive);
      s.addEventListener('ping', alive);
    }
    return;
  }
  s.on('pong', alive);
  s.on('ping', alive);
  // ws leaves a refused handshake to whoever listens here: note it, then abort the attempt.
  s.on('unexpected-response', (_req: unknown, res: HttpResponseLike) => {
    refused({ status: res.statusCode ?? 0, headers: res.headers ?? {} });
    abandon(socket);
  });
}

/** `ping()` where the transport has it. */
export function pinger(socket: WebSocketLike): (() => void) | undefined {
  const s = socket as WebSocketLike & Extras;
  return typeof s.ping === 'function' && (typeof s.on === 'function' || typeof s.addEventListener === 'function') ? () => s.ping?.() : undefined;
}

/** A refusal carried by an error event (Tether's own transport puts a `HandshakeError` there). */
export function refusalOf(event: unknown): Refusal | undefined {
  const e = (event as { error?: unknown } | null)?.error ?? event;
  return e instanceof HandshakeError ? e : undefined;
}

/** Drops a socket at once: `terminate()` where there is one, else `close()`. Never throws. */
export function abandon(socket: WebSocketLike, code?: number, reason?: string): void {
  const s = socket as WebSocketLike & Extras;
  try {
    const open = code !== undefined && socket.readyState === 1;
    if (open) socket.close(code, reason);
    if (typeof s.terminate === 'function') s.terminate();
    else if (!open) socket.close();
  } catch {
    // Already closed or closing: nothing left to drop.
  }
}

/**
 * A refused handshake, whichever transport reported it: notes its status and `Retry-After` (the
 * first value where it was repeated) in `info`, and returns it as a `HandshakeError`.
 */
export function refused(r: Refusal, info: { -readonly [P in keyof CloseInfo]: CloseInfo[P] }, now: number): TetherError {
  const retry = r.headers['retry-after'];
  const after = parseRetryAfter(Array.isArray(retry) ? retry[0] : retry, now);
  info.status = r.status;
  if (after !== undefined) info.retryAfter = after;
  if (r instanceof HandshakeError) return r;
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
  return new HandshakeError('ERR_HANDSHAKE_STATUS', `the server answered the handshake with ${r.status}`, r.status, headers);
}
