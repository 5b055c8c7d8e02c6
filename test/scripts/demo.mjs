#!/usr/bin/env node
// The demo: an embedded WebSocket server on loopback, and Tether's protocol core doing the opening
// handshake against it over a plain TCP socket, the Accept value checked as RFC 6455 §4.1 says.
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { HttpResponseParser, buildHandshakeRequest, validateHandshakeResponse } from '@tether/protocol';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address();
console.log(`embedded server listening on ws://127.0.0.1:${port}/demo\n`);

const request = buildHandshakeRequest(`ws://127.0.0.1:${port}/demo`, { protocols: ['chat'] });
console.log('--> the Upgrade request');
console.log(request.text.replace(/\r/g, '').trimEnd().replace(/^/gm, '    '));

const socket = net.connect(port, '127.0.0.1');
server.on('connection', (ws) => ws.close(1000, 'demo done'));
server.on('headers', () => {});
const parser = new HttpResponseParser();
socket.on('connect', () => socket.write(request.bytes));
socket.on('data', (chunk) => {
  const parsed = parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  if (!parsed) return;
  socket.removeAllListeners('data');
  const { response } = parsed;
  console.log('\n<-- the response');
  console.log(`    HTTP/1.1 ${response.status} ${response.statusText}`);
  for (const [name, value] of response.rawHeaders) console.log(`    ${name}: ${value}`);
  const result = validateHandshakeResponse(request, response);
  console.log('\nSec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))');
  console.log(`    expected ${result.expectedAccept}`);
  console.log(`    received ${result.receivedAccept}  -> match, connection accepted (subprotocol "${result.protocol}")`);
  socket.destroy();
  server.close();
});
