// Helpers for the core's unit tests: a connection driven through a scripted server, frames written
// as hex or built unmasked as a server sends them. Not part of the package's API.
import { ClientConnection, type ConnectionEvent, type ConnectionOptions } from './connection';
import { computeAccept } from './handshake';
import { encodeFrame } from './frame-encoder';
import { textEncoder } from './runtime';

export const FIXED_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const FIXED_MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A frame as a server sends it: unmasked. */
export function serverFrame(opcode: number, payload: Uint8Array | string = new Uint8Array(0), fin = true, rsv1 = false): Uint8Array {
  const bytes = typeof payload === 'string' ? textEncoder.encode(payload) : payload;
  return encodeFrame(opcode, bytes, { fin, rsv1, maskKey: null });
}

export function response101(extra = '', key = FIXED_KEY): Uint8Array {
  return textEncoder.encode(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n${extra}\r\n`,
  );
}

export interface Driven {
  conn: ClientConnection;
  events: ConnectionEvent[];
  written: Uint8Array[];
  /** Events of one type, in order. */
  of<T extends ConnectionEvent['type']>(type: T): Array<Extract<ConnectionEvent, { type: T }>>;
}

/** A connection with a fixed key and mask, its events and writes recorded. */
export function drive(options: ConnectionOptions = {}, url = 'ws://example.com/chat'): Driven {
  const events: ConnectionEvent[] = [];
  const written: Uint8Array[] = [];
  const conn = new ClientConnection(url, { key: FIXED_KEY, maskKey: () => FIXED_MASK, ...options }, {
    onWrite: (data) => written.push(data.slice()),
    onEvent: (event) => events.push(event),
  });
  return {
    conn,
    events,
    written,
    of: <T extends ConnectionEvent['type']>(type: T) => events.filter((e): e is Extract<ConnectionEvent, { type: T }> => e.type === type),
  };
}

/** A connection past its handshake, with the writes so far cleared. */
export function opened(options: ConnectionOptions = {}, extraHeaders = ''): Driven {
  const d = drive(options);
  d.conn.start();
  d.conn.receive(response101(extraHeaders));
  d.written.length = 0;
  return d;
}

/** Unmasks a client frame and reads its header, for assertions on what the client sent. */
export function readClientFrame(frame: Uint8Array): { fin: boolean; rsv1: boolean; opcode: number; payload: Uint8Array } {
  const b1 = frame[1]! & 0x7f;
  let offset = 2;
  let length = b1;
  if (b1 === 126) {
    length = (frame[2]! << 8) | frame[3]!;
    offset = 4;
  } else if (b1 === 127) {
    length = Number(new DataView(frame.buffer, frame.byteOffset + 2, 8).getBigUint64(0));
    offset = 10;
  }
  if ((frame[1]! & 0x80) === 0) throw new Error('client frame not masked');
  const key = frame.subarray(offset, offset + 4);
  const payload = frame.slice(offset + 4, offset + 4 + length);
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i & 3]!;
  return { fin: (frame[0]! & 0x80) !== 0, rsv1: (frame[0]! & 0x40) !== 0, opcode: frame[0]! & 0x0f, payload };
}
