import { describe, expect, it } from 'vitest';
import { Opcode } from './constants';
import { ErrorCode } from './errors';
import { perMessageDeflateOffer } from './permessage-deflate';
import { opened, serverFrame } from './test-utils';

// maxPayload bounds the inflated size of a compressed message (the transport checks it while
// inflating); the compressed frames may be a little longer than that, as deflate makes
// incompressible data slightly larger (conformance case 12.4.6).
const DEFLATE = 'Sec-WebSocket-Extensions: permessage-deflate\r\n';

function deflated(maxPayload: number) {
  return opened({ maxPayload, extensions: [perMessageDeflateOffer()] }, DEFLATE);
}

describe('maxPayload and compressed messages', () => {
  it('hands over a compressed message a little longer than maxPayload for inflating', () => {
    const d = deflated(1000);
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(1010), true, true));
    expect(d.of('error')).toEqual([]);
    expect(d.of('compressed').map((e) => e.data.length)).toEqual([1010]);
  });

  it('counts the fragments of a compressed message together', () => {
    const d = deflated(1000);
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(600), false, true));
    d.conn.receive(serverFrame(Opcode.Continuation, new Uint8Array(410), true));
    expect(d.of('compressed').map((e) => e.data.length)).toEqual([1010]);
  });

  it('still refuses a compressed message far over maxPayload from its header', () => {
    const d = deflated(1000);
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(2000), true, true));
    expect(d.of('error').map((e) => e.error.code)).toEqual([ErrorCode.PAYLOAD_TOO_LARGE]);
    expect(d.of('compressed')).toEqual([]);
  });

  it('keeps the exact limit for uncompressed messages', () => {
    const d = deflated(1000);
    d.conn.receive(serverFrame(Opcode.Binary, new Uint8Array(1001)));
    expect(d.of('error').map((e) => e.error.code)).toEqual([ErrorCode.PAYLOAD_TOO_LARGE]);
  });
});
