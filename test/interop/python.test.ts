import { describeInterop } from './harness/contract';
import { pythonWebsocketsPeer } from './harness/peers';
import { startPythonPeer } from './harness/python-peer';

// Tether's Node WebSocket against Python's websockets (Debian's python3-websockets), a child process.
describeInterop('Python websockets', () => startPythonPeer(), { programs: [pythonWebsocketsPeer()] });
