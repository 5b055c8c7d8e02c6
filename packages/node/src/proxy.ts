import { ErrorCode, TetherError, type WebSocketTarget } from '@tether/protocol';

// Which HTTP proxy a connection goes through, and the CONNECT request that opens the tunnel
// (RFC 9110 §9.3.6). The tunnel itself is dug in connect.ts.

/** A proxy to tunnel through, parsed from the `proxy` option or the environment. */
export interface ProxyConfig {
  /** The proxy URL without its credentials, for messages. */
  readonly href: string;
  /** `https:` proxies are reached over TLS; the tunnel then carries a second TLS session for wss. */
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** `Basic …` from the credentials in the proxy URL, sent as `Proxy-Authorization`. */
  readonly authorization: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable in lower case first (curl's precedence), then upper case. */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Parses a proxy URL: `http://[user:password@]host[:port]`, or `https://`. A bare `host:port`, as
 * environment variables often hold, is taken as `http://host:port`.
 * @throws TetherError ERR_INVALID_ARGUMENT
 */
export function parseProxyUrl(input: string | URL): ProxyConfig {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input.includes('://') ? input : `http://${input}`) : input;
  } catch (cause) {
    throw new TetherError(ErrorCode.INVALID_ARGUMENT, `invalid proxy URL`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TetherError(ErrorCode.INVALID_ARGUMENT, `a proxy URL must use http: or https:, not ${url.protocol}`);
  }
  const secure = url.protocol === 'https:';
  const bracketed = url.hostname.startsWith('[');
  const hostname = bracketed ? url.hostname.slice(1, -1) : url.hostname;
  let authorization: string | undefined;
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  return {
    href: `${url.protocol}//${url.host}`,
    secure,
    hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    authorization,
  };
}

/**
 * Whether `NO_PROXY` exempts a host: a comma- or space-separated list of `*`, host names (which
 * also match their subdomains; a leading `.` or `*.` is allowed), IP literals, each optionally with
 * `:port`. Matching ignores case.
 */
export function bypassesProxy(hostname: string, port: number, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracket = entry.startsWith('[') ? entry.indexOf(']') : -1;
    const colon = bracket >= 0 ? entry.indexOf(':', bracket) : entry.indexOf(':') === entry.lastIndexOf(':') ? entry.indexOf(':') : -1;
    if (colon >= 0) {
      entryPort = Number(entry.slice(colon + 1));
      entry = entry.slice(0, colon);
    }
    if (bracket >= 0) entry = entry.slice(1, bracket);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) entry = entry.slice(1);
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * The proxy a connection to `target` uses: the `proxy` option when given (`false`: none), otherwise
 * `HTTPS_PROXY` for `wss:` and `HTTP_PROXY` for `ws:`, unless `NO_PROXY` exempts the host.
 * @throws TetherError ERR_INVALID_ARGUMENT for a proxy URL that cannot be used
 */
export function proxyFor(target: WebSocketTarget, option: string | URL | false | undefined, env: Env): ProxyConfig | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxyUrl(option);
  const fromEnv = envValue(env, target.secure ? 'https_proxy' : 'http_proxy');
  if (fromEnv === undefined) return undefined;
  if (bypassesProxy(target.hostname, target.port, envValue(env, 'no_proxy'))) return undefined;
  return parseProxyUrl(fromEnv);
}

/** The CONNECT request head for a tunnel to the target's host and port. */
export function connectRequest(target: WebSocketTarget, proxy: ProxyConfig): string {
  const authority = target.hostname.includes(':') ? `[${target.hostname}]:${target.port}` : `${target.hostname}:${target.port}`;
  let head = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  if (proxy.authorization !== undefined) head += `Proxy-Authorization: ${proxy.authorization}\r\n`;
  return `${head}\r\n`;
}
