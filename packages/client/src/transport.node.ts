// The default transport under the "node" condition. `ws` for now; Tether's own `@tether/node`
// WebSocket replaces it here, and only here, once it lands.
import WebSocket from 'ws';
import type { WebSocketConstructor } from './types';

export const transport = WebSocket as unknown as WebSocketConstructor;
