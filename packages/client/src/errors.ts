import type { ErrorCode, TetherError } from '@tether/protocol';

// The client's errors, without @tether/protocol's classes and catalogue in browser bundles. They
// carry the same `Symbol.for('tether.error')` brand, which is all `instanceof TetherError` looks at,
// so `error instanceof TetherError` holds for them with the class exported from either package.
const BRAND = Symbol.for('tether.error');

class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
  override get name(): string {
    return 'TetherError';
  }
  get [BRAND](): true {
    return true;
  }
}

/** A `TetherError` with one of the catalogue's codes and, when given, a `cause`. */
export const err = (code: ErrorCode, message: string, cause?: unknown): TetherError => new ClientError(code, message, cause) as unknown as TetherError;

/** True for an error made by any copy of any Tether package. */
export const isTetherError = (value: unknown): value is TetherError => (value as { [BRAND]?: unknown } | null)?.[BRAND] === true;
