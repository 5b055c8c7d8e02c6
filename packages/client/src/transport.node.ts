// The default transport under the "node" condition: Tether's own WebSocket from @tether/node, which
// speaks RFC 6455 itself over net/tls (no `ws`, no `http` module).
import { WebSocket } from '@tether/node';
import type { WebSocketConstructor } from './types';

export const transport = WebSocket as unknown as WebSocketConstructor;
