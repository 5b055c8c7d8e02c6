const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 with padding (RFC 4648 §4), small and runtime-independent. The characters are
 * gathered and joined once: a string grown by `+` would be kept by V8 as a tree of its pieces, and
 * a key held for a connection's lifetime would cost several times its length.
 */
export function base64Encode(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out.push(ALPHABET[n >>> 18]!, ALPHABET[(n >>> 12) & 63]!, ALPHABET[(n >>> 6) & 63]!, ALPHABET[n & 63]!);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out.push(ALPHABET[n >>> 18]!, ALPHABET[(n >>> 12) & 63]!, '==');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out.push(ALPHABET[n >>> 18]!, ALPHABET[(n >>> 12) & 63]!, ALPHABET[(n >>> 6) & 63]!, '=');
  }
  return out.join('');
}
