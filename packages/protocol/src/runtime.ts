// The few web-platform globals the core relies on. Node 20, browsers, workers, Deno and Bun all
// provide them; reaching them through `globalThis` keeps the core free of DOM and Node typings.

export interface ParsedUrl {
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly username: string;
  readonly password: string;
  readonly href: string;
}

interface RuntimeGlobals {
  URL: new (url: string, base?: string) => ParsedUrl;
  crypto: { getRandomValues<T extends Uint8Array>(array: T): T };
  TextEncoder: new () => { encode(input: string): Uint8Array; encodeInto(input: string, dest: Uint8Array): { read: number; written: number } };
  TextDecoder: new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => {
    decode(input?: Uint8Array, options?: { stream?: boolean }): string;
  };
}

const runtime = globalThis as unknown as RuntimeGlobals;

/** WHATWG URL parsing; throws TypeError on an invalid URL. */
export function parseUrl(url: string): ParsedUrl {
  return new runtime.URL(url);
}

export const textEncoder = new runtime.TextEncoder();
/** Decodes bytes already validated as UTF-8; keeps a leading BOM, as the payload holds it. */
export const textDecoder = new runtime.TextDecoder('utf-8', { ignoreBOM: true });

const POOL_SIZE = 8 * 1024;
let pool = new Uint8Array(0);
let poolOffset = POOL_SIZE;

/**
 * Unpredictable bytes from the platform CSPRNG, drawn from a pooled buffer so that masking a frame
 * does not cost a `getRandomValues` call each time. The returned view is only valid until the
 * next call, so callers must read it at once.
 */
export function randomBytes(length: number): Uint8Array {
  if (length > POOL_SIZE) return runtime.crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > POOL_SIZE) {
    pool = runtime.crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const view = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return view;
}
