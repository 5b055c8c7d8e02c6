import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ErrorCode, TetherError, type FrameInfo, type HeaderInit, type PerMessageDeflateOptions } from '@tether/protocol';

/** How binary messages are handed out: a Buffer view (Node's default), an ArrayBuffer, or a Blob. */
export type BinaryType = 'nodebuffer' | 'arraybuffer' | 'blob';

/** permessage-deflate (RFC 7692): what to offer, and when to compress. */
export interface PerMessageDeflateNodeOptions extends PerMessageDeflateOptions {
  /** Messages shorter than this many bytes are sent uncompressed. */
  threshold?: number;
  /** zlib compression level for outgoing messages (0-9). */
  level?: number;
  /** zlib memLevel for outgoing messages (1-9). */
  memLevel?: number;
}

/** The TLS options forwarded to `tls.connect` for `wss:` (certificate checks stay on by default). */
export type TlsOptions = Pick<
  TlsConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'pfx'
  | 'passphrase'
  | 'rejectUnauthorized'
  | 'servername'
  | 'checkServerIdentity'
  | 'ciphers'
  | 'minVersion'
  | 'maxVersion'
  | 'ecdhCurve'
  | 'secureContext'
  | 'session'
>;

export const TLS_OPTION_NAMES = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'checkServerIdentity',
  'ciphers',
  'minVersion',
  'maxVersion',
  'ecdhCurve',
  'secureContext',
  'session',
] as const satisfies ReadonlyArray<keyof TlsOptions>;

/** Node-only options: the third constructor argument (or the second, in place of `protocols`). */
export interface WebSocketOptions extends TlsOptions {
  protocols?: string | readonly string[];
  /** Extra request headers; the handshake's own headers may not be set. */
  headers?: HeaderInit;
  origin?: string;
  /** Milliseconds from the constructor to `open` (TCP, proxy, TLS and the Upgrade together). */
  handshakeTimeout?: number;
  /** Largest message accepted, in bytes, after decompression; more closes with 1009. */
  maxPayload?: number;
  /** Milliseconds to wait for the server's close frame, then for the server to close TCP. */
  closeTimeout?: number;
  /** On by default, as in browsers; `false` offers nothing. */
  perMessageDeflate?: boolean | PerMessageDeflateNodeOptions;
  /** Split outgoing messages into frames of at most this many bytes; 0 never splits. */
  fragmentSize?: number;
  /** Called with every frame read and written (opcode, FIN, RSV1, mask, length): a debugging view. */
  onFrame?: (frame: FrameInfo) => void;
  /** Aborts the connection: while connecting it fails (close 1006); once open it starts the close. */
  signal?: AbortSignal;
  /**
   * An `http:` or `https:` proxy URL (credentials in it become `Proxy-Authorization: Basic`),
   * `false` to ignore the environment, or unset to use `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`.
   */
  proxy?: string | URL | false | undefined;
  /** TLS options for an `https:` proxy. */
  proxyTls?: TlsOptions;
  /** Follow 3xx answers to the Upgrade request. Off by default, as in browsers. */
  followRedirects?: boolean;
  maxRedirects?: number;
  binaryType?: BinaryType;
  /** Largest HTTP response head accepted during the handshake. */
  maxHeaderBytes?: number;
  /** The environment consulted for proxies (defaults to `process.env`; tests pass their own). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Defaults of `@tether/node`, in one place. */
export const DEFAULTS = {
  handshakeTimeout: 30_000,
  closeTimeout: 30_000,
  perMessageDeflate: true,
  /** Messages below this many bytes are not worth compressing. */
  deflateThreshold: 1024,
  deflateLevel: 6,
  deflateMemLevel: 8,
  followRedirects: false,
  maxRedirects: 10,
  binaryType: 'nodebuffer',
} as const;

/** The options after defaults and checks. */
export interface ResolvedOptions {
  readonly protocols: string | readonly string[] | undefined;
  readonly headers: HeaderInit | undefined;
  readonly origin: string | undefined;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly maxPayload: number | undefined;
  readonly maxHeaderBytes: number | undefined;
  readonly fragmentSize: number | undefined;
  readonly onFrame: ((frame: FrameInfo) => void) | undefined;
  readonly deflate: Required<Pick<PerMessageDeflateNodeOptions, 'threshold' | 'level' | 'memLevel'>> & { offer: PerMessageDeflateOptions } | null;
  readonly tls: TlsOptions;
  readonly proxy: string | URL | false | undefined;
  readonly proxyTls: TlsOptions;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly signal: AbortSignal | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function invalid(message: string): never {
  throw new TetherError(ErrorCode.INVALID_ARGUMENT, message);
}

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) invalid(`${name} must be a positive number of milliseconds`);
  return value;
}

function count(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${name} must be a non-negative integer`);
  return value;
}

/** No TLS options: one frozen object shared by every connection (only ever spread, never changed). */
const NO_TLS: TlsOptions = Object.freeze({});

function pickTls(source: TlsOptions | undefined): TlsOptions {
  if (source === undefined) return NO_TLS;
  let out: Record<string, unknown> | undefined;
  for (const name of TLS_OPTION_NAMES) {
    if (source[name] !== undefined) (out ??= {})[name] = source[name];
  }
  return (out ?? NO_TLS) as TlsOptions;
}

function resolveDeflate(value: WebSocketOptions['perMessageDeflate']): ResolvedOptions['deflate'] {
  const input = value ?? DEFAULTS.perMessageDeflate;
  if (input === false) return null;
  const o: PerMessageDeflateNodeOptions = input === true ? {} : input;
  const level = o.level ?? DEFAULTS.deflateLevel;
  const memLevel = o.memLevel ?? DEFAULTS.deflateMemLevel;
  if (!Number.isInteger(level) || level < 0 || level > 9) invalid('perMessageDeflate.level must be 0-9');
  if (!Number.isInteger(memLevel) || memLevel < 1 || memLevel > 9) invalid('perMessageDeflate.memLevel must be 1-9');
  const offer: PerMessageDeflateOptions = {};
  if (o.serverNoContextTakeover !== undefined) offer.serverNoContextTakeover = o.serverNoContextTakeover;
  if (o.clientNoContextTakeover !== undefined) offer.clientNoContextTakeover = o.clientNoContextTakeover;
  if (o.serverMaxWindowBits !== undefined) offer.serverMaxWindowBits = o.serverMaxWindowBits;
  if (o.clientMaxWindowBits !== undefined) offer.clientMaxWindowBits = o.clientMaxWindowBits;
  return { threshold: count(o.threshold, 'perMessageDeflate.threshold') ?? DEFAULTS.deflateThreshold, level, memLevel, offer };
}

/**
 * Applies defaults and checks what a caller passed.
 * @throws TetherError ERR_INVALID_ARGUMENT
 */
export function resolveOptions(options: WebSocketOptions): ResolvedOptions {
  return {
    protocols: options.protocols,
    headers: options.headers,
    origin: options.origin,
    handshakeTimeout: duration(options.handshakeTimeout, DEFAULTS.handshakeTimeout, 'handshakeTimeout'),
    closeTimeout: duration(options.closeTimeout, DEFAULTS.closeTimeout, 'closeTimeout'),
    maxPayload: count(options.maxPayload, 'maxPayload'),
    maxHeaderBytes: count(options.maxHeaderBytes, 'maxHeaderBytes'),
    fragmentSize: count(options.fragmentSize, 'fragmentSize'),
    onFrame: options.onFrame,
    deflate: resolveDeflate(options.perMessageDeflate),
    tls: pickTls(options),
    proxy: options.proxy,
    proxyTls: pickTls(options.proxyTls),
    followRedirects: options.followRedirects ?? DEFAULTS.followRedirects,
    maxRedirects: count(options.maxRedirects, 'maxRedirects') ?? DEFAULTS.maxRedirects,
    signal: options.signal,
    env: options.env ?? process.env,
  };
}
