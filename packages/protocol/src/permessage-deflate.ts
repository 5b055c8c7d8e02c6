import { ErrorCode, HandshakeError } from './errors';
import type { ExtensionOffer } from './handshake';
import type { ExtensionElement } from './tokens';

/** What the client asks for in its permessage-deflate offer (RFC 7692 §7.1). */
export interface PerMessageDeflateOptions {
  /** Ask the server not to keep its compression context between messages. */
  serverNoContextTakeover?: boolean;
  /** Announce that the client will not keep its compression context between messages. */
  clientNoContextTakeover?: boolean;
  /** Limit the server's LZ77 window (8-15). */
  serverMaxWindowBits?: number;
  /**
   * Announce that the server may limit the client's window: `true` offers the parameter without a
   * value, a number offers that limit (8-15).
   */
  clientMaxWindowBits?: number | boolean;
}

/** The parameters both sides agreed to (RFC 7692 §7.1), as the compressor must apply them. */
export interface PerMessageDeflateAgreement {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  /** The window the server compresses with: what the client inflates with. */
  readonly serverMaxWindowBits: number;
  /** The window the client must compress with. */
  readonly clientMaxWindowBits: number;
}

/**
 * zlib's deflateBound for raw deflate: the most `n` bytes can take once compressed, plus a flush.
 * A compressed message is held to this for `maxPayload` bytes before it is inflated.
 */
export function deflateBound(n: number): number {
  return n + Math.floor(n / 4096) + Math.floor(n / 16384) + Math.floor(n / 33554432) + 18;
}

/** The extension's registered name (RFC 7692 §7). */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

function checkBits(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 8 && value <= 15)) {
    throw new RangeError(`${what} must be an integer from 8 to 15`);
  }
}

function reject(message: string): never {
  throw new HandshakeError(ErrorCode.EXTENSION_PARAMS, `permessage-deflate: ${message}`);
}

/** A window-bits value: 1*DIGIT from 8 to 15 without leading zeros (RFC 7692 §7.1.2). */
function parseBits(value: string | true, name: string): number {
  if (value === true || !/^[1-9][0-9]?$/.test(value)) reject(`${name} needs a value from 8 to 15`);
  const bits = Number(value);
  if (bits < 8 || bits > 15) reject(`${name}=${value} is out of range`);
  return bits;
}

/** The permessage-deflate offer and the check of the server's answer (RFC 7692 §7.1). */
export function perMessageDeflateOffer(options: PerMessageDeflateOptions = {}): ExtensionOffer<PerMessageDeflateAgreement> {
  checkBits(options.serverMaxWindowBits, 'serverMaxWindowBits');
  if (typeof options.clientMaxWindowBits === 'number') checkBits(options.clientMaxWindowBits, 'clientMaxWindowBits');
  const clientBits = options.clientMaxWindowBits ?? true;
  return {
    name: PERMESSAGE_DEFLATE,
    offer() {
      let s = PERMESSAGE_DEFLATE;
      if (options.serverNoContextTakeover) s += '; server_no_context_takeover';
      if (options.clientNoContextTakeover) s += '; client_no_context_takeover';
      if (options.serverMaxWindowBits !== undefined) s += `; server_max_window_bits=${options.serverMaxWindowBits}`;
      if (clientBits === true) s += '; client_max_window_bits';
      else if (clientBits !== false) s += `; client_max_window_bits=${clientBits}`;
      return s;
    },
    accept(params: ExtensionElement['params']): PerMessageDeflateAgreement {
      const seen = new Set<string>();
      let serverNoContextTakeover = false;
      let clientNoContextTakeover = options.clientNoContextTakeover === true;
      let serverMaxWindowBits = 15;
      let clientMaxWindowBits = typeof clientBits === 'number' ? clientBits : 15;
      for (const [rawName, value] of params) {
        const name = rawName.toLowerCase();
        if (seen.has(name)) reject(`duplicate parameter ${name}`);
        seen.add(name);
        switch (name) {
          case 'server_no_context_takeover':
            if (value !== true) reject('server_no_context_takeover takes no value');
            serverNoContextTakeover = true;
            break;
          case 'client_no_context_takeover':
            if (value !== true) reject('client_no_context_takeover takes no value');
            clientNoContextTakeover = true;
            break;
          case 'server_max_window_bits': {
            const bits = parseBits(value, name);
            // §7.1.2.1: the server may not use a larger window than the client asked for.
            if (options.serverMaxWindowBits !== undefined && bits > options.serverMaxWindowBits) {
              reject(`server_max_window_bits=${bits} is above the ${options.serverMaxWindowBits} offered`);
            }
            serverMaxWindowBits = bits;
            break;
          }
          case 'client_max_window_bits': {
            // §7.1.2.2: only allowed when the client offered it.
            if (clientBits === false) reject('client_max_window_bits was not offered');
            const bits = parseBits(value, name);
            if (typeof clientBits === 'number' && bits > clientBits) reject(`client_max_window_bits=${bits} is above the ${clientBits} offered`);
            clientMaxWindowBits = bits;
            break;
          }
          default:
            reject(`unknown parameter ${rawName}`);
        }
      }
      return { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
    },
  };
}
