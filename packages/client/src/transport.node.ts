// The platform module under the "node" condition (and everywhere but browsers): Tether's own
// WebSocket from @tether/node, which speaks RFC 6455 itself over net/tls (no `ws`, no `http`
// module), and what transports beyond the WHATWG interface can tell (pings, refused handshakes).
import { WebSocket } from '@tether/node';
import type { WebSocketConstructor } from './types';

export const transport = WebSocket as unknown as WebSocketConstructor;
export { abandon, listenExtras, pinger, refusalOf, refused } from './extras';
