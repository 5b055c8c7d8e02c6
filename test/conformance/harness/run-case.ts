import { HandshakeError, WebSocket, type CloseEvent, type ErrorCode, type ErrorEvent, type MessageEvent, type WebSocketOptions } from '@tether/node';
import { within } from '../../interop/harness/deadline';
import { LOOPBACK } from '../../interop/harness/ports';
import {
  describeClose,
  respond,
  startScriptedServer,
  type CloseSent,
  type ServerDeflate,
  type ServerSide,
  type UpgradeRequest,
} from './scripted-server';

// One conformance case: a scripted server, the @tether/node client against it (an echo client, as
// the Autobahn TestSuite's testee is), and the verdict from three observations: the close frame the
// client sent (read by the server), the error event's code, and the close event.

export interface Expected {
  /** The close code the client sent: a number, "empty" (a close frame without payload), "none". */
  readonly sent: number | 'empty' | 'none';
  /** The code of the error event, or null when there must be none. */
  readonly error: ErrorCode | null;
  readonly close: { readonly code: number; readonly wasClean: boolean; readonly reason?: string };
  /** For handshake failures: the HTTP status the HandshakeError carries. */
  readonly status?: number;
  /** How many message events the client dispatched. */
  readonly messages?: number;
}

export interface ConformanceCase {
  /** Autobahn-style number, e.g. "5.16", or "H.3" for handshakes. */
  readonly id: string;
  readonly category: string;
  /** What the server does. */
  readonly title: string;
  readonly options?: WebSocketOptions;
  readonly protocols?: readonly string[];
  /** The answer to the Upgrade request: a proper 101 unless given; null answers nothing. */
  readonly handshake?: (request: UpgradeRequest) => string | Uint8Array | null;
  /**
   * Reach the server through it acting as an HTTP CONNECT proxy first: its answer to the CONNECT,
   * and credentials for the proxy URL ("user:password").
   */
  readonly proxy?: { readonly answer: (connect: UpgradeRequest) => string | null; readonly credentials?: string };
  /** permessage-deflate: the Sec-WebSocket-Extensions value of the 101 and the server's contexts. */
  readonly deflate?: { readonly header: string; readonly server?: ServerDeflate };
  /** What the client does once open (besides echoing every message). */
  readonly client?: (socket: WebSocket) => void;
  readonly script?: (server: ServerSide) => Promise<void>;
  readonly expect: Expected;
}

export interface Observed {
  readonly sent: string;
  readonly errors: string[];
  readonly close: { code: number; reason: string; wasClean: boolean; error: string | null } | null;
  readonly status: number | null;
  readonly messages: number;
  readonly log: string[];
  readonly tcpClosedByClient: boolean;
  readonly problems: string[];
}

export interface Outcome {
  readonly case: ConformanceCase;
  readonly observed: Observed;
  readonly passed: boolean;
}

/**
 * Client options for every case: short timeouts, so that cases about them end quickly, and an empty
 * environment, so that a machine's HTTP_PROXY never stands between the client and the server.
 */
const BASE_OPTIONS: WebSocketOptions = { handshakeTimeout: 3_000, closeTimeout: 1_000, env: {} };
/** Bound for each wait of a case; the test's own timeout is above their sum. */
export const CASE_MS = 4_000;

function sentLabel(sent: CloseSent): string {
  return sent === 'none' || sent === 'empty' ? sent : String(sent.code);
}

export function describeExpected(e: Expected): string {
  const parts = [`sent ${e.sent}`, `error ${e.error ?? 'none'}`, `close ${e.close.code}${e.close.wasClean ? ' clean' : ''}`];
  if (e.status !== undefined) parts.push(`status ${e.status}`);
  if (e.messages !== undefined) parts.push(`${e.messages} msg`);
  return parts.join(', ');
}

export function describeObserved(o: Observed): string {
  const close = o.close === null ? 'no close event' : `close ${o.close.code}${o.close.wasClean ? ' clean' : ''}`;
  const parts = [`sent ${o.sent}`, `error ${o.errors.join('+') || 'none'}`, close];
  if (o.status !== null) parts.push(`status ${o.status}`);
  parts.push(`${o.messages} msg`);
  return parts.join(', ');
}

export async function runCase(c: ConformanceCase): Promise<Outcome> {
  const problems: string[] = [];
  const server = await startScriptedServer({
    ...(c.proxy === undefined ? {} : { proxy: c.proxy.answer }),
    answer: (request) => {
      if (c.handshake !== undefined) return c.handshake(request);
      if (c.deflate !== undefined) return respond(request, { headers: { 'Sec-WebSocket-Extensions': c.deflate.header } });
      return respond(request);
    },
    script: async (side) => {
      if (c.deflate !== undefined) side.useDeflate(c.deflate.server ?? {});
      await c.script?.(side);
    },
  });
  const log: string[] = [];
  const errors: string[] = [];
  let status: number | null = null;
  let messages = 0;
  let closeEvent: CloseEvent | undefined;
  let socket: WebSocket | undefined;
  try {
    const options: WebSocketOptions = { ...BASE_OPTIONS, ...c.options };
    if (c.proxy !== undefined) options.proxy = `http://${c.proxy.credentials === undefined ? '' : `${c.proxy.credentials}@`}${LOOPBACK}:${server.port}`;
    socket = c.protocols === undefined ? new WebSocket(server.url, options) : new WebSocket(server.url, c.protocols, options);
    const ws = socket;
    const closed = new Promise<CloseEvent>((resolve) => {
      ws.addEventListener('close', (event: CloseEvent) => {
        log.push('close');
        closeEvent = event;
        resolve(event);
      });
    });
    ws.addEventListener('open', () => {
      log.push('open');
      c.client?.(ws);
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      log.push('message');
      messages++;
      if (ws.readyState === ws.OPEN) ws.send(event.data as string | Buffer);
    });
    ws.addEventListener('error', (event: ErrorEvent) => {
      log.push('error');
      errors.push(event.error.code);
      if (event.error instanceof HandshakeError) status = event.error.status;
    });

    // A script that fails (a wrong echo, say) drops the connection, so the client's close comes at once.
    const scripted = within(server.scriptDone, CASE_MS, 'the end of the server script').catch(async (error: Error) => {
      problems.push(`server script: ${error.message}`);
      const side = await within(server.connection, 1_000, 'the connection').catch(() => undefined);
      side?.destroy();
    });
    await within(closed, CASE_MS, 'the close event').catch((error: Error) => problems.push(error.message));
    await scripted;
    const side = await within(server.connection, 1_000, 'the connection').catch(() => undefined);
    // The client must close TCP itself: after failing, or once the closing handshake is done.
    let tcpClosedByClient = false;
    if (side !== undefined) {
      tcpClosedByClient = await within(side.clientEnded, CASE_MS, 'the client closing TCP').then(
        () => true,
        () => false,
      );
      problems.push(...side.violations);
    }
    if (!tcpClosedByClient) problems.push('the client did not close the TCP connection');

    const sent = side === undefined ? 'none' : sentLabel(side.closeSent);
    const observed: Observed = {
      sent: side === undefined ? 'none' : describeClose(side.closeSent),
      errors,
      close:
        closeEvent === undefined
          ? null
          : { code: closeEvent.code, reason: closeEvent.reason, wasClean: closeEvent.wasClean, error: closeEvent.error?.code ?? null },
      status,
      messages,
      log: [...log],
      tcpClosedByClient,
      problems,
    };
    compare(c.expect, observed, sent, problems);
    return { case: c, observed, passed: problems.length === 0 };
  } finally {
    if (socket !== undefined && closeEvent === undefined) socket.terminate();
    await server.stop();
  }
}

function compare(e: Expected, o: Observed, sent: string, problems: string[]): void {
  if (sent !== String(e.sent)) problems.push(`the client sent close ${sent}, expected ${e.sent}`);
  const wantErrors = e.error === null ? [] : [e.error];
  if (o.errors.join(',') !== wantErrors.join(',')) problems.push(`error events [${o.errors.join(', ')}], expected [${wantErrors.join(', ')}]`);
  if (o.close === null) problems.push('no close event');
  else {
    if (o.close.code !== e.close.code) problems.push(`close event code ${o.close.code}, expected ${e.close.code}`);
    if (o.close.wasClean !== e.close.wasClean) problems.push(`close event wasClean ${o.close.wasClean}, expected ${e.close.wasClean}`);
    if (e.close.reason !== undefined && o.close.reason !== e.close.reason) problems.push(`close event reason ${JSON.stringify(o.close.reason)}, expected ${JSON.stringify(e.close.reason)}`);
    if (o.close.error !== (e.error ?? null)) problems.push(`close event error ${o.close.error ?? 'none'}, expected ${e.error ?? 'none'}`);
  }
  if (e.status !== undefined && o.status !== e.status) problems.push(`HandshakeError status ${o.status ?? 'none'}, expected ${e.status}`);
  if (e.messages !== undefined && o.messages !== e.messages) problems.push(`${o.messages} message events, expected ${e.messages}`);
  // The close event comes last, once, after any error event.
  const closeAt = o.log.indexOf('close');
  if (closeAt !== o.log.length - 1 || o.log.filter((t) => t === 'close').length !== 1) problems.push(`events out of order: ${o.log.join(', ')}`);
  if (o.errors.length > 0 && o.log.indexOf('error') > closeAt) problems.push('the error event came after the close event');
}
