import { randomBytes } from 'node:crypto';

// Message bodies for the interop suites: sizes around every frame-length boundary of RFC 6455 §5.2
// (125/126 for the 7-bit length, 65535/65536 for the 16-bit one) up to 16 MiB.

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** Sizes in bytes and how they are named in test titles. */
export const SIZES: ReadonlyArray<readonly [string, number]> = [
  ['0 B', 0],
  ['1 B', 1],
  ['125 B', 125],
  ['126 B', 126],
  ['65535 B', 65_535],
  ['65536 B', 65_536],
  ['1 MiB', MiB],
];

export const LARGEST: readonly [string, number] = ['16 MiB', 16 * MiB];

/** ASCII text of exactly `size` bytes, varied enough that a wrong offset shows. */
export function asciiText(size: number): string {
  const unit = 'The quick brown fox jumps over the lazy dog 0123456789. ';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Text with 1- to 4-byte UTF-8 sequences, about `size` bytes (never more). */
export function mixedText(size: number): string {
  const unit = 'aé€😀 Grüße, κόσμε, 世界! ';
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  let text = unit.repeat(Math.floor(size / unitBytes));
  for (const char of unit) {
    if (Buffer.byteLength(text + char, 'utf8') > size) break;
    text += char;
  }
  return text;
}

/** Incompressible bytes. */
export function randomBinary(size: number): Buffer {
  return randomBytes(size);
}

/** Short description of a payload for assertion messages (never the whole 16 MiB). */
export function describePayload(value: unknown): string {
  if (typeof value === 'string') return `text of ${Buffer.byteLength(value, 'utf8')} bytes`;
  if (Buffer.isBuffer(value)) return `binary of ${value.length} bytes`;
  return typeof value;
}
