// The client the page uses: its options, built from the query string's settings, and its type,
// registered once so that every @tether/react hook is typed by it (`useMessage('chat', …)` gets a
// ChatLine, `useSend()` takes only a `say`). No UI here, and no state: the provider owns the client.
import type { Client, ClientOptions, CloseEvent } from '@tether/client';
import type { ChatOptions } from './config';
import { PING, PONG, type ClientMessage, type ServerMessage } from './protocol';

export type ChatClient = Client<ServerMessage, ClientMessage>;

declare module '@tether/react' {
  interface Register {
    client: ChatClient;
  }
}

/** The options of the page's one client, for `<TetherProvider options={…}>`. */
export function clientOptions(options: ChatOptions): ClientOptions<ServerMessage, ClientMessage> {
  return {
    url: () => `${options.server}?name=${encodeURIComponent(options.name)}`,
    heartbeat: { ...options.heartbeat, message: PING, isReply: (data) => data === PONG },
    ...(options.maxDelay === undefined ? {} : { reconnect: { maxDelay: options.maxDelay } }),
  };
}

/** Says what a close means in words: `closed 1006`, `closed 4000 heartbeat timeout (ERR_HEARTBEAT_TIMEOUT)`. */
export function describeClose(e: CloseEvent): string {
  const reason = e.reason ? ` ${e.reason}` : '';
  const error = e.error ? ` (${e.error.code})` : '';
  return `closed ${e.code}${reason}${error}`;
}
