const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * XORs `data` in place with a 4-byte masking key (RFC 6455 §5.3), a 32-bit word at a time where the
 * data is 4-byte aligned, so large payloads mask at memory speed in plain TypeScript. Masking again
 * with the same key unmasks.
 */
export function maskInPlace(data: Uint8Array, key: Uint8Array): void {
  const n = data.length;
  let i = 0;
  if (n >= 32 && data.byteOffset % 4 === 0) {
    const k0 = key[0]!;
    const k1 = key[1]!;
    const k2 = key[2]!;
    const k3 = key[3]!;
    const word = LITTLE_ENDIAN ? (k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)) : ((k0 << 24) | (k1 << 16) | (k2 << 8) | k3);
    const words = new Int32Array(data.buffer, data.byteOffset, n >>> 2);
    const w = words.length;
    let j = 0;
    for (; j + 4 <= w; j += 4) {
      words[j] = words[j]! ^ word;
      words[j + 1] = words[j + 1]! ^ word;
      words[j + 2] = words[j + 2]! ^ word;
      words[j + 3] = words[j + 3]! ^ word;
    }
    for (; j < w; j++) words[j] = words[j]! ^ word;
    i = w << 2;
  }
  for (; i < n; i++) data[i] = data[i]! ^ key[i & 3]!;
}
