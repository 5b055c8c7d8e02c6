import { describe, expect, it } from 'vitest';
import { ErrorCode, HandshakeError } from './errors';
import { perMessageDeflateOffer, type PerMessageDeflateOptions } from './permessage-deflate';
import { parseExtensions } from './tokens';

function accept(header: string, options: PerMessageDeflateOptions = {}) {
  const [element] = parseExtensions(header) ?? [];
  if (!element) throw new Error('unparsable');
  return perMessageDeflateOffer(options).accept(element.params);
}

function rejection(header: string, options: PerMessageDeflateOptions = {}): string {
  try {
    accept(header, options);
  } catch (error) {
    if (error instanceof HandshakeError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('RFC 7692 §7: permessage-deflate negotiation', () => {
  it('offers the parameters asked for', () => {
    expect(perMessageDeflateOffer().offer()).toBe('permessage-deflate; client_max_window_bits');
    expect(
      perMessageDeflateOffer({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 12 }).offer(),
    ).toBe('permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12');
    expect(perMessageDeflateOffer({ clientMaxWindowBits: false }).offer()).toBe('permessage-deflate');
  });

  it('refuses out-of-range options at once', () => {
    expect(() => perMessageDeflateOffer({ serverMaxWindowBits: 16 })).toThrow(RangeError);
    expect(() => perMessageDeflateOffer({ clientMaxWindowBits: 7 })).toThrow(RangeError);
  });

  it('accepts the four parameters, quoted values included', () => {
    expect(accept('permessage-deflate')).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    expect(accept('permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits="10"')).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
      clientMaxWindowBits: 10,
    });
  });

  it('keeps the client window it offered when the server says nothing of it', () => {
    expect(accept('permessage-deflate', { clientMaxWindowBits: 11 }).clientMaxWindowBits).toBe(11);
    expect(accept('permessage-deflate', { clientNoContextTakeover: true }).clientNoContextTakeover).toBe(true);
  });

  it('fails unknown, duplicate and out-of-range parameters', () => {
    for (const header of [
      'permessage-deflate; foo',
      'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
      'permessage-deflate; server_no_context_takeover=1',
      'permessage-deflate; client_no_context_takeover=true',
      'permessage-deflate; server_max_window_bits',
      'permessage-deflate; server_max_window_bits=7',
      'permessage-deflate; server_max_window_bits=16',
      'permessage-deflate; server_max_window_bits=010',
      'permessage-deflate; client_max_window_bits=abc',
    ]) {
      expect(rejection(header), header).toBe(ErrorCode.EXTENSION_PARAMS);
    }
  });

  it('fails windows larger than offered, and a client window not offered', () => {
    expect(rejection('permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 })).toBe(ErrorCode.EXTENSION_PARAMS);
    expect(rejection('permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 10 })).toBe(ErrorCode.EXTENSION_PARAMS);
    expect(rejection('permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: false })).toBe(ErrorCode.EXTENSION_PARAMS);
  });
});

describe('RFC 6455 §9.1: the extension list grammar', () => {
  it('parses names, parameters, quoted values and empty elements', () => {
    expect(parseExtensions('a; x=1; y, b;z="q", ,c')).toEqual([
      { name: 'a', params: [['x', '1'], ['y', true]] },
      { name: 'b', params: [['z', 'q']] },
      { name: 'c', params: [] },
    ]);
  });
  it('rejects what does not follow it', () => {
    for (const bad of ['a;', 'a; =1', 'a; x=', 'a; x="unterminated', 'a b', 'a; x="sp ace"', '; x']) {
      expect(parseExtensions(bad), bad).toBeUndefined();
    }
  });
  it('stays linear on a hostile value', () => {
    const hostile = 'a' + '; x="'.repeat(20_000);
    expect(parseExtensions(hostile)).toBeUndefined();
  });
});
