import type { RawData } from './types';

/** Turns outgoing messages into WebSocket data and incoming data into messages. `decode` may throw. */
export interface Codec<In, Out> {
  encode(message: Out): RawData;
  decode(data: RawData): In;
}

interface TextGlobals {
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(input: Uint8Array): string };
}
const g = globalThis as unknown as TextGlobals;
const decoder = new g.TextDecoder('utf-8', { fatal: true });
const text = (data: RawData): string => (typeof data === 'string' ? data : decoder.decode(data));

function fail(what: string): never {
  throw new TypeError(what);
}

/** The built-in codecs. `json` reads binary frames as UTF-8 JSON too; `binary` accepts bytes only. */
export const codecs = {
  json: { encode: (m: unknown): RawData => JSON.stringify(m) ?? fail('not JSON-serialisable'), decode: (d: RawData): unknown => JSON.parse(text(d)) },
  text: { encode: (m: unknown): RawData => (typeof m === 'string' ? m : fail('expected a string')), decode: text },
  binary: {
    encode: (m: unknown): RawData => (m instanceof Uint8Array ? m : fail('expected a Uint8Array')),
    decode: (d: RawData): unknown => (typeof d === 'string' ? fail('expected a binary message') : d),
  },
} satisfies Record<string, Codec<unknown, unknown>>;

/** Bytes this data takes on the wire: UTF-8 length of text without encoding it. */
export function byteLength(data: RawData): number {
  if (typeof data !== 'string') return data.byteLength;
  let n = data.length;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    // 2 bytes up to U+07FF, 3 above; a surrogate pair is 4 bytes, i.e. 2 more per half.
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

/** Incoming data as `RawData`: `ArrayBuffer` and other views become a `Uint8Array` (no copy). */
export function toRawData(data: unknown): RawData {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return fail('unsupported message data');
}
