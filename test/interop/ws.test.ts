import type { PerMessageDeflateNodeOptions } from '@tether/node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { PerMessageDeflateOptions } from 'ws';
import { describeInterop, expectSamePayload } from './harness/contract';
import { asciiText } from './harness/payloads';
import { uniquePath } from './harness/peer';
import { SETUP_MS, TEST_MS } from './harness/peers';
import { connect } from './harness/recorder';
import { startWsPeer, type WsPeer } from './harness/ws-peer';

// Tether's Node WebSocket against the `ws` package's server, in process on loopback: the shared
// contract, then permessage-deflate parameters negotiated both ways, with the server's TCP byte
// counts showing that messages really travelled compressed.

describeInterop('ws WebSocketServer', () => startWsPeer());

interface Variant {
  readonly title: string;
  readonly server: PerMessageDeflateOptions;
  readonly client: PerMessageDeflateNodeOptions;
  /** What the agreed `Sec-WebSocket-Extensions` value must say. */
  readonly agreed: RegExp;
}

const VARIANTS: readonly Variant[] = [
  { title: 'defaults', server: {}, client: {}, agreed: /^permessage-deflate/ },
  { title: 'server_no_context_takeover asked by the server', server: { serverNoContextTakeover: true }, client: {}, agreed: /server_no_context_takeover/ },
  { title: 'client_no_context_takeover asked by the server', server: { clientNoContextTakeover: true }, client: {}, agreed: /client_no_context_takeover/ },
  { title: 'server_no_context_takeover asked by the client', server: {}, client: { serverNoContextTakeover: true }, agreed: /server_no_context_takeover/ },
  { title: 'client_no_context_takeover offered by the client', server: {}, client: { clientNoContextTakeover: true }, agreed: /client_no_context_takeover/ },
  { title: 'server_max_window_bits=9 asked by the client', server: {}, client: { serverMaxWindowBits: 9 }, agreed: /server_max_window_bits=9/ },
  { title: 'client_max_window_bits=9 set by the server', server: { clientMaxWindowBits: 9 }, client: {}, agreed: /client_max_window_bits=9/ },
  { title: 'server_max_window_bits=10 set by the server', server: { serverMaxWindowBits: 10 }, client: {}, agreed: /server_max_window_bits=10/ },
];

describe('interop: ws permessage-deflate parameters', { timeout: TEST_MS }, () => {
  for (const variant of VARIANTS) {
    describe(variant.title, () => {
      let peer: WsPeer | undefined;

      beforeAll(async () => {
        peer = await startWsPeer({ perMessageDeflate: { threshold: 0, ...variant.server } });
      }, SETUP_MS);

      afterAll(async () => {
        await peer?.stop();
      }, SETUP_MS);

      it('agrees on the parameters, round-trips 20 similar messages and sends them compressed', async () => {
        const path = uniquePath(variant.title);
        const client = await connect(`${peer!.url}${path}`, { perMessageDeflate: { threshold: 0, ...variant.client } });
        onTestFinished(() => client.dispose());
        expect(client.socket.extensions).toMatch(variant.agreed);
        let sent = 0;
        for (let i = 0; i < 20; i++) {
          const text = `${i} ${asciiText(4096 + i)}`;
          sent += text.length;
          client.socket.send(text);
          expectSamePayload(await client.message(), text);
        }
        client.socket.close(1000, 'done');
        expect((await client.waitClose()).wasClean).toBe(true);
        expect(await peer!.closeSeen(path)).toMatchObject({ code: 1000, reason: 'done' });
        // Repetitive text deflates to a small fraction; uncompressed it would be over `sent` bytes each way.
        const traffic = peer!.traffic(path)!;
        expect(traffic.read).toBeLessThan(sent / 4);
        expect(traffic.written).toBeLessThan(sent / 4);
      });
    });
  }
});
