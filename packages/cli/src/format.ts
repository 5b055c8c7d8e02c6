import { WEBSOCKET_GUID, type FrameInfo, type HandshakeInfo } from '@tether/protocol';

// How things look: pure functions from events to lines of text, shared by the terminal prompt, the
// pipe mode, --verbose and the demo. Colours are applied by the caller through a Paint.

/** Colours by meaning; all identity functions when colours are off. */
export interface Paint {
  incoming(text: string): string;
  outgoing(text: string): string;
  info(text: string): string;
  dim(text: string): string;
  good(text: string): string;
  bad(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { incoming: plain, outgoing: plain, info: plain, dim: plain, good: plain, bad: plain };
  return { incoming: ansi(36, 39), outgoing: ansi(33, 39), info: ansi(35, 39), dim: ansi(2, 22), good: ansi(32, 39), bad: ansi(31, 39) };
}

/** Colours when writing to a terminal, unless NO_COLOR (https://no-color.org) or --no-color says no. */
export function wantsColor(stream: { isTTY?: boolean }, option: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (option !== undefined) return option;
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  if ((env['FORCE_COLOR'] ?? '') !== '' && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** `68 65 6c 6c 6f`, cut after `max` bytes with the total length said. */
export function hexPreview(bytes: Uint8Array, max = 32): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** The whole message as hex without spaces: lossless, one line (pipe mode). */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** `/bin 68 65 6c` or `68656c`: bytes from hex digits, spaces allowed between bytes. */
export function parseHex(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(digits)) return undefined;
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

/** An incoming message as the prompt shows it: text as is, binary as its length and hex. */
export function describeMessage(data: string | Uint8Array): string {
  if (typeof data === 'string') return data;
  return `[binary, ${data.length} byte${data.length === 1 ? '' : 's'}]${data.length > 0 ? ` ${hexPreview(data)}` : ''}`;
}

function requestLine(url: string): string {
  const u = new URL(url);
  return `GET ${u.pathname || '/'}${u.search} HTTP/1.1`;
}

/**
 * The opening handshake as the protocol is taught (RFC 6455 §4.1): the request with its key, the
 * response, and the Sec-WebSocket-Accept the key implies beside the one received.
 */
export function describeHandshake(info: HandshakeInfo, p: Paint): string[] {
  const lines: string[] = [p.outgoing(`--> ${requestLine(info.url)}`)];
  for (const [name, value] of info.requestHeaders) {
    const note = name.toLowerCase() === 'sec-websocket-key' ? p.dim('   (16 random bytes, base64: new for every connection)') : '';
    lines.push(p.outgoing(`--> ${name}: ${value}`) + note);
  }
  lines.push(p.incoming(`<-- HTTP/1.1 ${info.status}${info.statusText ? ` ${info.statusText}` : ''}`));
  for (const [name, value] of info.responseHeaders) lines.push(p.incoming(`<-- ${name}: ${value}`));
  if (info.status !== 101) {
    lines.push(p.bad(`  status ${info.status}, not 101 Switching Protocols: the server refused the upgrade`));
    return lines;
  }
  lines.push(p.dim(`  Sec-WebSocket-Accept = base64(SHA-1(key + "${WEBSOCKET_GUID}"))`));
  lines.push(`  expected ${info.expectedAccept}`);
  const match = info.receivedAccept === info.expectedAccept;
  const verdict = match ? p.good('match: the server read our key') : p.bad('MISMATCH: not a WebSocket server that read our key');
  lines.push(`  received ${info.receivedAccept || '(none)'}  ${verdict}`);
  return lines;
}


/**
 * One frame as --verbose prints it: direction, opcode, payload length and flags. Tether's Node
 * WebSocket reports messages, not frames, so incoming data messages are shown whole.
 */
/** A frame as the core saw it: `--> text   opcode=0x1 len=5 FIN MASK`. */
export function describeWireFrame(f: FrameInfo): string {
  const names: Record<number, string> = { 0: 'cont', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
  const flags = [f.fin && 'FIN', f.rsv1 && 'RSV1', f.masked && 'MASK'].filter((x): x is string => typeof x === 'string');
  const arrow = f.direction === 'in' ? '<--' : '-->';
  const name = names[f.opcode] ?? 'unknown';
  return `${arrow} ${name.padEnd(6)} opcode=0x${f.opcode.toString(16)} len=${f.length}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`;
}



/** `1000 "bye"`, `1006 (no close frame)`. */
export function describeCloseCode(code: number, reason: string): string {
  const names: Record<number, string> = {
    1000: 'normal',
    1001: 'going away',
    1002: 'protocol error',
    1003: 'unsupported data',
    1005: 'no code',
    1006: 'no close frame',
    1007: 'invalid payload',
    1008: 'policy violation',
    1009: 'message too big',
    1010: 'extension required',
    1011: 'internal error',
    1012: 'service restart',
    1013: 'try again later',
    1014: 'bad gateway',
  };
  const name = names[code];
  return `${code}${name ? ` (${name})` : ''}${reason ? ` "${reason}"` : ''}`;
}

/** `0.43 s` */
export function describeDelay(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;
}
