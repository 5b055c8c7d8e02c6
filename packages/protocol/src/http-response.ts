import { DEFAULTS } from './constants';
import { ErrorCode, HandshakeError } from './errors';
import { isToken } from './tokens';

/** An HTTP/1.1 response head, as the server sent it. */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** Header names in lower case; repeated headers joined with ", " (RFC 9110 §5.3). */
  readonly headers: Readonly<Record<string, string>>;
  /** Header lines in the order received, with their original names. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
}

/** Bounds on the handshake response head, so a hostile server cannot make the client buffer without end. */
export interface HttpResponseLimits {
  /** Largest response head in bytes, status line and headers included. */
  maxHeaderBytes?: number;
  /** Most header lines. */
  maxHeaderCount?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * An incremental parser for the response head of the Upgrade request. Feed it chunks of any size;
 * it answers `undefined` until the blank line that ends the head has arrived, then the response and
 * the bytes that came after the head in the same chunk (the first frames may ride along with the 101).
 * It holds at most `maxHeaderBytes` and rejects a head that is longer or has too many lines.
 */
export class HttpResponseParser {
  private readonly maxHeaderBytes: number;
  private readonly maxHeaderCount: number;
  private buffered: Uint8Array = new Uint8Array(0);
  private scanFrom = 0;
  private lineStart = 0;
  private lines = 0;

  constructor(limits: HttpResponseLimits = {}) {
    this.maxHeaderBytes = limits.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes;
    this.maxHeaderCount = limits.maxHeaderCount ?? DEFAULTS.maxHeaderCount;
  }

  /** @throws HandshakeError when the head is malformed or over a limit. */
  push(chunk: Uint8Array): { response: HttpResponse; rest: Uint8Array; head: string } | undefined {
    const data = this.append(chunk);
    for (let i = this.scanFrom; i < data.length; i++) {
      if (data[i] !== LF) continue;
      const lineStart = this.lineStart;
      this.lineStart = i + 1;
      const empty = i === lineStart || (i === lineStart + 1 && data[lineStart] === CR);
      if (!empty) {
        if (++this.lines > this.maxHeaderCount + 1) {
          throw new HandshakeError(ErrorCode.HTTP_TOO_MANY_HEADERS, `the response has more than ${this.maxHeaderCount} header lines`);
        }
        continue;
      }
      if (this.lines === 0) malformed('an empty line before the status line');
      // The blank line that ends the head (RFC 9112 §2.1); what follows belongs to the WebSocket.
      if (i + 1 > this.maxHeaderBytes) this.tooLarge();
      const head = latin1(data.subarray(0, lineStart));
      const response = parseResponseHead(head);
      const rest = data.subarray(i + 1);
      this.buffered = new Uint8Array(0);
      return { response, rest, head };
    }
    this.scanFrom = data.length;
    if (data.length > this.maxHeaderBytes) this.tooLarge();
    return undefined;
  }

  private append(chunk: Uint8Array): Uint8Array {
    if (this.buffered.length === 0) {
      this.buffered = chunk;
      return chunk;
    }
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered);
    joined.set(chunk, this.buffered.length);
    this.buffered = joined;
    return joined;
  }

  private tooLarge(): never {
    throw new HandshakeError(ErrorCode.HTTP_HEADERS_TOO_LARGE, `the response head is over ${this.maxHeaderBytes} bytes`);
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 4096)));
  }
  return s;
}

function malformed(detail: string): never {
  throw new HandshakeError(ErrorCode.HTTP_MALFORMED, `malformed HTTP response: ${detail}`);
}

/**
 * Parses a response head (status line and header lines, as Latin-1 text, without the blank line):
 * RFC 9112 §4 (status line) and §5 (field lines); obsolete line folding is rejected.
 * @throws HandshakeError ERR_HTTP_MALFORMED
 */
export function parseResponseHead(head: string): HttpResponse {
  const lines = head.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const statusLine = lines[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/.exec(statusLine);
  if (!match) malformed('bad status line');
  const status = Number(match[1]);
  const headers: Record<string, string> = {};
  const rawHeaders: Array<readonly [string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) malformed('a header line without a name');
    const name = line.slice(0, colon);
    if (!isToken(name)) malformed('an invalid header name');
    const value = trimOws(line.slice(colon + 1));
    if (/[\0\r]/.test(value)) malformed('an invalid header value');
    rawHeaders.push([name, value]);
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return { status, statusText: match[2] ?? '', headers, rawHeaders };
}

function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}
