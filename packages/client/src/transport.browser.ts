// The platform module under the "browser" condition: the platform's own WebSocket, and none of the
// extras of transport.node.ts, which browsers cannot show (no ping(), no pong events, no status of
// a refused handshake), so that the browser build carries no code for them.
import type * as Node from './transport.node';
import type { WebSocketConstructor } from './types';

export const transport = (globalThis as { WebSocket?: unknown }).WebSocket as WebSocketConstructor;
export const listenExtras: typeof Node.listenExtras = () => {};
export const pinger: typeof Node.pinger = () => undefined;
export const refusalOf: typeof Node.refusalOf = () => undefined;
export const refused: typeof Node.refused = (r) => r as never;
export const abandon: typeof Node.abandon = (s, code, reason) => {
  try {
    if (code && s.readyState === 1) s.close(code, reason);
    else s.close();
  } catch {}
};
