// The chat's wire protocol, shared by the page and the example server. JSON text frames with a
// `type` field, which is also the client's discriminator: `client.on('chat', …)` gets a ChatLine.

/** One line of the conversation, as the server numbers and stamps it. */
export interface ChatLine {
  readonly type: 'chat';
  readonly id: number;
  readonly from: string;
  readonly text: string;
  /** Server time, ms since the epoch. */
  readonly at: number;
}

/** Who is connected right now. */
export interface Presence {
  readonly type: 'presence';
  readonly users: readonly string[];
}

/** What the server sends. */
export type ServerMessage = ChatLine | Presence;

/** What the page sends. The name travels in the URL of each attempt (`?name=`), not in a message. */
export type ClientMessage = { readonly type: 'say'; readonly text: string };

/**
 * The application-level heartbeat: browsers cannot send ping frames, so the page sends PING as a
 * text message after a silence and the server answers PONG. Both stay outside the codec.
 */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

/** The longest message the server accepts, in characters. */
export const MAX_TEXT = 500;

/** The port of the chat server that `pnpm dev` and `pnpm preview` start beside the page. */
export const DEFAULT_PORT = 8787;
