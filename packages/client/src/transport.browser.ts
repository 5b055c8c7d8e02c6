// The default transport under the "browser" condition: the platform's own WebSocket, through
// isomorphic-ws (whose browser build is the global, so no Node code reaches the bundle).
import WebSocket from 'isomorphic-ws';
import type { WebSocketConstructor } from './types';

export const transport = WebSocket as unknown as WebSocketConstructor;
