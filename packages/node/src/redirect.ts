import { ErrorCode, TetherError, parseWebSocketUrl, type HeaderInit, type WebSocketTarget } from '@tether/protocol';

// Following a 3xx answer to the Upgrade request (off by default, as browsers never follow one).

/** Request headers that carry credentials for one origin only. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Request headers as a list of pairs, from an object or pairs. */
/** Shared by every connection made without headers of its own. */
const NO_HEADERS: HeaderList = Object.freeze([]);

export function headerList(headers: HeaderInit | undefined): HeaderList {
  if (headers === undefined) return NO_HEADERS;
  if (Symbol.iterator in headers) return [...(headers as Iterable<readonly [string, string]>)];
  return Object.entries(headers as Record<string, string>);
}

export interface Redirect {
  /** The absolute URL to connect to next (userinfo kept: it may carry new credentials). */
  readonly url: string;
  readonly target: WebSocketTarget;
  /** Scheme, host or port changed: credentials for the old origin are not sent there. */
  readonly crossOrigin: boolean;
}

function sameOrigin(a: WebSocketTarget, b: WebSocketTarget): boolean {
  return a.secure === b.secure && a.hostname.toLowerCase() === b.hostname.toLowerCase() && a.port === b.port;
}

/**
 * Resolves a `Location` against the URL that answered with it; `http(s):` maps to `ws(s):`.
 * @throws TetherError ERR_INVALID_URL when it does not lead to a WebSocket URL
 */
export function resolveRedirect(from: WebSocketTarget, location: string): Redirect {
  let url: URL;
  try {
    url = new URL(location, from.href);
  } catch (cause) {
    throw new TetherError(ErrorCode.INVALID_URL, `the redirect location ${JSON.stringify(location)} is not a URL`, { cause });
  }
  url.hash = '';
  const target = parseWebSocketUrl(url.href);
  return { url: url.href, target, crossOrigin: !sameOrigin(from, target) };
}

/** The headers to send after a redirect: without credentials when the origin changed. */
export function redirectHeaders(headers: HeaderList, crossOrigin: boolean): HeaderList {
  return crossOrigin ? headers.filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())) : headers;
}

/** `Authorization: Basic` from the userinfo of a URL, unless the headers already hold one. */
export function withUrlCredentials(url: string, headers: HeaderList): HeaderList {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return headers;
  }
  if (parsed.username === '' && parsed.password === '') return headers;
  if (headers.some(([name]) => name.toLowerCase() === 'authorization')) return headers;
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  return [...headers, ['Authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`]];
}
