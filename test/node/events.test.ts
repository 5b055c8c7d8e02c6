// The WHATWG surface over a real connection: constants, states, event classes, handler attributes
// and addEventListener as browsers have them.
import { describe, expect, it } from 'vitest';
import { CloseEvent, ErrorEvent, MessageEvent, WebSocket } from '@tether/node';
import { connect, next, opened, wsServer } from './helpers';

describe('the WebSocket interface', () => {
  it('has the readyState constants on the class and on instances', async () => {
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    const server = await wsServer();
    const ws = connect(server.url);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect([ws.protocol, ws.extensions, ws.bufferedAmount, ws.binaryType]).toEqual(['', '', 0, 'nodebuffer']);
    await opened(ws);
  });

  it('goes through its states with events of the right classes', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    const seen: string[] = [];
    ws.onopen = (event) => seen.push(`${event.type} ${ws.readyState}`);
    ws.onmessage = (event) => seen.push(`${event instanceof MessageEvent} ${String(event.data)}`);
    ws.onclose = (event) => seen.push(`${event instanceof CloseEvent} ${event.code} ${ws.readyState}`);
    await opened(ws);
    peer.send('one');
    await next(ws, 'message');
    peer.close(1000);
    await next(ws, 'close');
    expect(seen).toEqual(['open 1', 'true one', 'true 1000 3']);
  });

  it('dispatches ErrorEvent with a typed error to onerror and addEventListener alike', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const errors: ErrorEvent[] = [];
    ws.onerror = (event) => errors.push(event);
    ws.addEventListener('error', (event) => errors.push(event));
    peer.terminate();
    const close = await next(ws, 'close');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ErrorEvent);
    expect(errors[0]!.error.code).toBe('ERR_CONNECTION_LOST');
    expect(errors[0]!.message).toBe(errors[0]!.error.message);
    expect(close.error).toBe(errors[0]!.error);
  });

  it('supports listener objects, once and removeEventListener; replaced handlers keep their place', async () => {
    const server = await wsServer();
    const ws = connect(server.url);
    const peer = await server.connection();
    await opened(ws);
    const calls: string[] = [];
    ws.onmessage = () => calls.push('first handler');
    const object = { handleEvent: (event: MessageEvent) => calls.push(`object ${String(event.data)}`) };
    ws.addEventListener('message', object);
    ws.addEventListener('message', () => calls.push('once'), { once: true });
    ws.onmessage = () => calls.push('second handler');
    expect(typeof ws.onmessage).toBe('function');
    peer.send('a');
    await next(ws, 'message');
    ws.removeEventListener('message', object);
    ws.onmessage = null;
    peer.send('b');
    await next(ws, 'message');
    expect(calls).toEqual(['second handler', 'object a', 'once']);
  });
});
