import { WEBSOCKET_GUID } from './constants';
import { ErrorCode, HandshakeError, TetherError } from './errors';
import { base64Encode } from './base64';
import type { HttpResponse } from './http-response';
import { parseUrl, randomBytes, textEncoder } from './runtime';
import { sha1 } from './sha1';
import { isFieldValue, isToken, parseExtensions, splitList, type ExtensionElement } from './tokens';

/** A fresh `Sec-WebSocket-Key`: 16 random bytes, base64 (RFC 6455 §4.1, client requirement 7). */
export function generateKey(): string {
  return base64Encode(randomBytes(16));
}

/** `Sec-WebSocket-Accept` for a key: base64(SHA-1(key + GUID)) (RFC 6455 §1.3, §4.2.2 step 5.4). */
export function computeAccept(key: string): string {
  return base64Encode(sha1(textEncoder.encode(key + WEBSOCKET_GUID)));
}

/** Where a `ws:` or `wss:` URL points, split the way the request needs it. */
export interface WebSocketTarget {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** The `Host` header value: host with the port only when it is not the scheme's default. */
  readonly host: string;
  /** Path and query, never empty ("/" at least). */
  readonly resource: string;
  readonly href: string;
}

/**
 * Parses a WebSocket URL as the WHATWG WebSocket constructor does: `ws:` and `wss:`, and `http:` /
 * `https:` mapped to them; a fragment is an error.
 * @throws TetherError ERR_INVALID_URL
 */
export function parseWebSocketUrl(url: string | { href: string }): WebSocketTarget {
  const input = typeof url === 'string' ? url : url.href;
  let parsed;
  try {
    parsed = parseUrl(input);
  } catch (cause) {
    throw new TetherError(ErrorCode.INVALID_URL, `invalid URL: ${input}`, { cause });
  }
  let scheme = parsed.protocol;
  if (scheme === 'http:') scheme = 'ws:';
  else if (scheme === 'https:') scheme = 'wss:';
  if (scheme !== 'ws:' && scheme !== 'wss:') {
    throw new TetherError(ErrorCode.INVALID_URL, `a WebSocket URL must use ws: or wss:, not ${parsed.protocol}`);
  }
  if (parsed.hash !== '' || input.includes('#')) {
    throw new TetherError(ErrorCode.INVALID_URL, 'a WebSocket URL cannot have a fragment');
  }
  if (parsed.hostname === '') throw new TetherError(ErrorCode.INVALID_URL, `no host in ${input}`);
  const secure = scheme === 'wss:';
  const defaultPort = secure ? 443 : 80;
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  // URL.hostname keeps the brackets of an IPv6 literal; sockets want the bare address.
  const bracketed = parsed.hostname.startsWith('[');
  const hostname = bracketed ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const hostForHeader = bracketed ? `[${hostname}]` : hostname;
  const resource = (parsed.pathname || '/') + parsed.search;
  // Joined, not concatenated: these strings live as long as the connection, and V8 keeps a string
  // made by `+` or a template as a tree of its pieces (joining makes one flat string).
  return {
    secure,
    hostname,
    port,
    host: port === defaultPort ? hostForHeader : [hostForHeader, port].join(':'),
    resource: [resource].join(''),
    href: [scheme, '//', parsed.host, resource].join(''),
  };
}

/** A `Sec-WebSocket-Extensions` offer and the check of the server's answer to it. */
export interface ExtensionOffer<Agreed = unknown> {
  readonly name: string;
  /** The offer as a header element, e.g. `permessage-deflate; client_max_window_bits`. */
  offer(): string;
  /**
   * Checks the parameters the server answered with and returns what was agreed.
   * @throws HandshakeError ERR_EXTENSION_PARAMS when they are not acceptable
   */
  accept(params: ExtensionElement['params']): Agreed;
}

/** Extra request headers: an object, or name/value pairs (which may repeat a name). */
export type HeaderInit = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

/** What goes into the opening handshake request besides the URL. */
export interface HandshakeRequestOptions {
  /** Defaults to a fresh `generateKey()`. */
  key?: string;
  protocols?: string | readonly string[];
  origin?: string;
  extensions?: readonly ExtensionOffer[];
  headers?: HeaderInit;
}

/** The opening handshake request as built: what was sent, and what the response is checked against. */
export interface HandshakeRequest {
  readonly target: WebSocketTarget;
  readonly key: string;
  readonly protocols: readonly string[];
  readonly extensions: readonly ExtensionOffer[];
  /** The header lines sent, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The request head as text, ending with the blank line. */
  readonly text: string;
  /** The request head as bytes, ready to write. */
  readonly bytes: Uint8Array;
}

/** Headers the handshake owns; a caller may not set them. */
const RESERVED = new Set([
  'upgrade',
  'connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'content-length',
  'transfer-encoding',
]);

function invalidHeader(message: string): never {
  throw new TetherError(ErrorCode.INVALID_HEADER, message);
}

/** The subprotocol list, checked as the WHATWG constructor does: tokens, no duplicates. */
export function normalizeProtocols(protocols: string | readonly string[] | undefined): string[] {
  const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols];
  const seen = new Set<string>();
  for (const p of list) {
    if (!isToken(p)) throw new TetherError(ErrorCode.INVALID_PROTOCOL, `invalid subprotocol ${JSON.stringify(p)}`);
    const folded = p.toLowerCase();
    if (seen.has(folded)) throw new TetherError(ErrorCode.INVALID_PROTOCOL, `duplicate subprotocol ${JSON.stringify(p)}`);
    seen.add(folded);
  }
  return list;
}

function headerEntries(headers: HeaderInit | undefined): Array<readonly [string, string]> {
  if (headers === undefined) return [];
  if (Symbol.iterator in headers) return [...(headers as Iterable<readonly [string, string]>)];
  return Object.entries(headers as Record<string, string>);
}

/**
 * Builds the opening handshake request (RFC 6455 §4.1, client requirements 1-12).
 * @throws TetherError ERR_INVALID_URL, ERR_INVALID_PROTOCOL or ERR_INVALID_HEADER on bad input,
 *   including CR/LF or non-token characters in a header name or value (header injection).
 */
export function buildHandshakeRequest(url: string | { href: string }, options: HandshakeRequestOptions = {}): HandshakeRequest {
  const target = parseWebSocketUrl(url);
  const key = options.key ?? generateKey();
  const protocols = normalizeProtocols(options.protocols);
  const extensions = options.extensions ?? [];
  const user = headerEntries(options.headers);

  let host = target.host;
  const extra: Array<readonly [string, string]> = [];
  for (const [name, value] of user) {
    if (!isToken(name)) invalidHeader(`invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || !isFieldValue(value)) invalidHeader(`invalid value for header ${name}`);
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) invalidHeader(`the handshake sets ${name} itself`);
    if (lower === 'host') host = value;
    else if (lower === 'origin' && options.origin !== undefined) invalidHeader('origin given both as an option and a header');
    else extra.push([name, value.trim()]);
  }
  if (options.origin !== undefined && !isFieldValue(options.origin)) invalidHeader('invalid origin');
  if (extensions.length > 0 && !isFieldValue(extensionOffer(extensions))) invalidHeader('invalid extension offer');
  return new CompactRequest(target, key, protocols.length === 0 ? NONE : protocols, extensions.length === 0 ? NONE : extensions, host, options.origin, extra.length === 0 ? NONE : extra);
}

const extensionOffer = (extensions: readonly ExtensionOffer[]): string => extensions.map((e) => e.offer()).join(', ');

const NONE: readonly never[] = Object.freeze([]);

/**
 * A request kept compactly, since every open connection holds one: what went into it rather than
 * its text, from which the header lines, the text and the bytes are made again when asked for
 * (the bytes once, by the transport; the rest only if someone looks at the handshake).
 */
class CompactRequest implements HandshakeRequest {
  readonly target: WebSocketTarget;
  readonly key: string;
  readonly protocols: readonly string[];
  readonly extensions: readonly ExtensionOffer[];
  private readonly host: string;
  private readonly origin: string | undefined;
  /** The caller's other headers, checked and trimmed. */
  private readonly extra: ReadonlyArray<readonly [string, string]>;

  constructor(
    target: WebSocketTarget,
    key: string,
    protocols: readonly string[],
    extensions: readonly ExtensionOffer[],
    host: string,
    origin: string | undefined,
    extra: ReadonlyArray<readonly [string, string]>,
  ) {
    this.target = target;
    this.key = key;
    this.protocols = protocols;
    this.extensions = extensions;
    this.host = host;
    this.origin = origin;
    this.extra = extra;
  }

  get headers(): ReadonlyArray<readonly [string, string]> {
    const headers: Array<readonly [string, string]> = [
      ['Host', this.host],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', this.key],
      ['Sec-WebSocket-Version', '13'],
    ];
    if (this.origin !== undefined) headers.push(['Origin', this.origin]);
    if (this.protocols.length > 0) headers.push(['Sec-WebSocket-Protocol', this.protocols.join(', ')]);
    if (this.extensions.length > 0) headers.push(['Sec-WebSocket-Extensions', extensionOffer(this.extensions)]);
    headers.push(...this.extra);
    return headers;
  }

  get text(): string {
    const lines = [`GET ${this.target.resource} HTTP/1.1\r\n`];
    for (const [name, value] of this.headers) lines.push(`${name}: ${value}\r\n`);
    lines.push('\r\n');
    return lines.join('');
  }

  get bytes(): Uint8Array {
    return textEncoder.encode(this.text);
  }
}

/** What a valid 101 response settled. */
export interface HandshakeResult {
  /** The subprotocol the server chose, or "". */
  readonly protocol: string;
  /** The `Sec-WebSocket-Extensions` value the server sent, or "". */
  readonly extensionsHeader: string;
  /** Each accepted extension with what was agreed, in the server's order. */
  readonly extensions: ReadonlyArray<{ readonly name: string; readonly agreed: unknown }>;
  readonly expectedAccept: string;
  readonly receivedAccept: string;
}

function fail(code: (typeof ErrorCode)[keyof typeof ErrorCode], message: string, response: HttpResponse): never {
  throw new HandshakeError(code, message, response.status, response.headers);
}

/**
 * Checks the server's response against the request (RFC 6455 §4.1, "the client MUST validate the
 * server's response as follows", steps 1-6).
 * @throws HandshakeError with a distinct code for each rule broken
 */
export function validateHandshakeResponse(request: HandshakeRequest, response: HttpResponse): HandshakeResult {
  const h = response.headers;
  // Step 1: anything but 101 is handled per HTTP; a redirect keeps its Location for the caller.
  if (response.status !== 101) {
    if (response.status >= 300 && response.status < 400 && h['location'] !== undefined) {
      fail(ErrorCode.HANDSHAKE_REDIRECT, `redirected (${response.status}) to ${h['location']}`, response);
    }
    fail(ErrorCode.HANDSHAKE_STATUS, `expected 101 Switching Protocols, got ${response.status}`, response);
  }
  // Step 2: Upgrade must be "websocket", case-insensitively.
  const upgrade = h['upgrade'];
  if (upgrade === undefined || upgrade.trim().toLowerCase() !== 'websocket') {
    fail(ErrorCode.UPGRADE_HEADER, `Upgrade header is ${upgrade === undefined ? 'missing' : JSON.stringify(upgrade)}`, response);
  }
  // Step 3: Connection is a token list that must contain "upgrade".
  const connection = h['connection'];
  if (connection === undefined || !splitList(connection).some((t) => t.toLowerCase() === 'upgrade')) {
    fail(ErrorCode.CONNECTION_HEADER, `Connection header is ${connection === undefined ? 'missing' : JSON.stringify(connection)}`, response);
  }
  // Step 4: Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)).
  const expectedAccept = computeAccept(request.key);
  const receivedAccept = h['sec-websocket-accept'];
  if (receivedAccept === undefined) fail(ErrorCode.ACCEPT_MISSING, 'Sec-WebSocket-Accept is missing', response);
  if (receivedAccept.trim() !== expectedAccept) {
    fail(ErrorCode.ACCEPT_MISMATCH, `Sec-WebSocket-Accept is ${receivedAccept}, expected ${expectedAccept}`, response);
  }
  // Step 5: only extensions we offered, each with acceptable parameters.
  const extensionsHeader = h['sec-websocket-extensions'] ?? '';
  const extensions: Array<{ name: string; agreed: unknown }> = [];
  if (extensionsHeader.trim() !== '') {
    const elements = parseExtensions(extensionsHeader);
    if (elements === undefined) fail(ErrorCode.EXTENSION_PARAMS, 'Sec-WebSocket-Extensions is malformed', response);
    for (const element of elements) {
      const offer = request.extensions.find((e) => e.name.toLowerCase() === element.name.toLowerCase());
      if (offer === undefined || extensions.some((e) => e.name === offer.name)) {
        fail(ErrorCode.EXTENSION_UNSOLICITED, `the server answered with extension ${element.name}, which was not offered`, response);
      }
      let agreed: unknown;
      try {
        agreed = offer.accept(element.params);
      } catch (cause) {
        if (cause instanceof HandshakeError) fail(cause.code, cause.message, response);
        throw cause;
      }
      extensions.push({ name: offer.name, agreed });
    }
  }
  // Step 6: a subprotocol only if one was offered, and then one of those offered.
  const protocolHeader = h['sec-websocket-protocol'];
  let protocol = '';
  if (protocolHeader !== undefined) {
    protocol = protocolHeader.trim();
    if (request.protocols.length === 0) {
      fail(ErrorCode.SUBPROTOCOL_UNSOLICITED, `the server chose subprotocol ${JSON.stringify(protocol)}, none was offered`, response);
    }
    if (!request.protocols.includes(protocol)) {
      fail(ErrorCode.SUBPROTOCOL_MISMATCH, `the server chose subprotocol ${JSON.stringify(protocol)}, which was not offered`, response);
    }
  }
  return { protocol, extensionsHeader, extensions, expectedAccept, receivedAccept: receivedAccept.trim() };
}
