import { describeInterop } from './harness/contract';
import { startWsPeer } from './harness/ws-peer';

// Tether's Node WebSocket against the `ws` package's server, in process on loopback.
describeInterop('ws WebSocketServer', () => startWsPeer());
