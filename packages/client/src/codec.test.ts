import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, codecs, toRawData } from './codec';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('codecs', () => {
  it('json round-trips and reads binary frames as UTF-8 JSON', () => {
    expect(codecs.json.decode(codecs.json.encode({ a: [1, 'é'] }))).toEqual({ a: [1, 'é'] });
    expect(codecs.json.decode(utf8('{"x":1}'))).toEqual({ x: 1 });
  });

  it('json refuses what has no JSON form, and bad text', () => {
    expect(() => codecs.json.encode(undefined)).toThrow(TypeError);
    expect(() => codecs.json.decode('{')).toThrow(SyntaxError);
    expect(() => codecs.json.decode(new Uint8Array([0x22, 0xff, 0x22]))).toThrow(TypeError); // invalid UTF-8
  });

  it('text passes strings and decodes bytes; binary passes bytes only', () => {
    expect(codecs.text.encode('hi')).toBe('hi');
    expect(codecs.text.decode(utf8('hé'))).toBe('hé');
    expect(() => codecs.text.encode(1)).toThrow(TypeError);
    const bytes = new Uint8Array([1, 2]);
    expect(codecs.binary.encode(bytes)).toBe(bytes);
    expect(codecs.binary.decode(bytes)).toBe(bytes);
    expect(() => codecs.binary.decode('text')).toThrow(TypeError);
    expect(() => codecs.binary.encode('text')).toThrow(TypeError);
  });
});

describe('byteLength', () => {
  it('is the UTF-8 length of any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => byteLength(s) === utf8(s).byteLength),
      { numRuns: 500 },
    );
    expect(byteLength('a€😀')).toBe(1 + 3 + 4);
    expect(byteLength(new Uint8Array(7))).toBe(7);
  });
});

describe('toRawData', () => {
  it('turns ArrayBuffer and views into a Uint8Array over the same memory', () => {
    const ab = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(toRawData(ab)).toEqual(new Uint8Array([1, 2, 3, 4]));
    const view = toRawData(new DataView(ab, 1, 2));
    expect(view).toEqual(new Uint8Array([2, 3]));
    expect((view as Uint8Array).buffer).toBe(ab);
    expect(toRawData('s')).toBe('s');
    expect(() => toRawData({})).toThrow(TypeError);
  });
});
