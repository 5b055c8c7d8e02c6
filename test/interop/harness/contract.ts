import { ErrorCode, type WebSocketOptions } from '@tether/node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { KiB, LARGEST, MiB, SIZES, asciiText, mixedText, randomBinary } from './payloads';
import { uniquePath, type InteropPeer } from './peer';
import { SETUP_MS, describeWithPrograms, type PeerProgram } from './peers';
import { Recorder, type Payload } from './recorder';

// The interop contract: one suite, run against every real peer (ws, Python's websockets, nginx in
// front of ws). Each test opens its own connection to a path of its own, so the peer's report of
// the close code it received belongs to that test alone.

export interface ContractOptions {
  /** Programs the peer needs: a missing one skips the suite locally and fails it in CI. */
  readonly programs?: readonly PeerProgram[];
  /** Run the 16 MiB cases (one text, one binary per compression setting). */
  readonly largest?: boolean;
}

/** Equal type and content; on a mismatch, says where, not the 16 MiB of both. */
export function expectSamePayload(received: Payload, sent: string | Buffer): void {
  if (typeof sent === 'string') {
    expect(typeof received, 'a text message comes back as text').toBe('string');
    if (received === sent) return;
    const r = received as string;
    let i = 0;
    while (i < r.length && i < sent.length && r[i] === sent[i]) i++;
    expect.fail(`text differs: ${r.length} chars received, ${sent.length} sent, first difference at ${i}`);
  }
  expect(Buffer.isBuffer(received), 'a binary message comes back as a Buffer').toBe(true);
  const r = received as Buffer;
  if (r.equals(sent)) return;
  let i = 0;
  while (i < r.length && i < sent.length && r[i] === sent[i]) i++;
  expect.fail(`binary differs: ${r.length} bytes received, ${sent.length} sent, first difference at ${i}`);
}

const KINDS: ReadonlyArray<readonly [string, (size: number) => string | Buffer]> = [
  ['text', asciiText],
  ['binary', randomBinary],
];

export function describeInterop(name: string, startPeer: () => Promise<InteropPeer>, options: ContractOptions = {}): void {
  const programs = options.programs ?? [];
  describeWithPrograms(`interop: ${name}`, programs, () => {
    let peer: InteropPeer | undefined;

    beforeAll(async () => {
      peer = await startPeer();
    }, SETUP_MS);

    afterAll(async () => {
      await peer?.stop();
    }, SETUP_MS);

    /** Opens a socket to a fresh path; it is terminated after the test if still open. */
    async function open(label: string, extra: WebSocketOptions = {}, protocols?: string[]): Promise<{ client: Recorder; path: string; peer: InteropPeer }> {
      const p = peer!;
      const path = uniquePath(label);
      const client = new Recorder(`${p.url}${path}`, { ...p.clientOptions, ...extra }, protocols);
      onTestFinished(() => client.dispose());
      await client.waitOpen();
      return { client, path, peer: p };
    }

    async function closeCleanly(client: Recorder, path: string, p: InteropPeer): Promise<void> {
      client.socket.close(1000, 'done');
      const event = await client.waitClose();
      expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1000, wasClean: true });
      expect(await p.closeSeen(path)).toMatchObject({ code: 1000, reason: 'done' });
      expect(client.errors).toEqual([]);
    }

    for (const compression of [false, true]) {
      const mode = compression ? 'compression on' : 'compression off';
      const deflate: WebSocketOptions = compression ? { perMessageDeflate: { threshold: 0 } } : { perMessageDeflate: false };

      describe(mode, () => {
        it('negotiates permessage-deflate only when both sides want it', async () => {
          const { client, path, peer: p } = await open(`negotiate-${mode}`, deflate);
          if (compression && p.compression) expect(client.socket.extensions).toMatch(/^permessage-deflate\b/);
          else expect(client.socket.extensions).toBe('');
          await closeCleanly(client, path, p);
        });

        for (const [label, size] of SIZES) {
          for (const [kind, make] of KINDS) {
            it(`echoes ${kind} of ${label}`, async () => {
              const { client, path, peer: p } = await open(`${kind}-${label}-${mode}`, deflate);
              const payload = make(size);
              client.socket.send(payload);
              expectSamePayload(await client.message(), payload);
              await closeCleanly(client, path, p);
            });
          }
        }

        if (options.largest !== false) {
          // Incompressible binary without compression, compressible text with it: the costly pairs stay out.
          const [label, size] = LARGEST;
          const kind = compression ? 'text' : 'binary';
          it(`echoes ${kind} of ${label}`, async () => {
            const { client, path, peer: p } = await open(`${kind}-${label}-${mode}`, deflate);
            const payload = compression ? asciiText(size) : randomBinary(size);
            client.socket.send(payload);
            expectSamePayload(await client.message(30_000), payload);
            await closeCleanly(client, path, p);
          }, 60_000);
        }

        it('echoes text with 1- to 4-byte UTF-8 sequences across chunk boundaries', async () => {
          const { client, path, peer: p } = await open(`utf8-${mode}`, deflate);
          const text = mixedText(MiB + 7);
          client.socket.send(text);
          expectSamePayload(await client.message(), text);
          await closeCleanly(client, path, p);
        });

        it('keeps 200 messages of mixed sizes and types in order', async () => {
          const { client, path, peer: p } = await open(`order-${mode}`, deflate);
          const sent: Array<string | Buffer> = [];
          for (let i = 0; i < 200; i++) {
            const size = (i * 7919) % (8 * KiB);
            sent.push(i % 3 === 0 ? randomBinary(size) : `${i}:${asciiText(size)}`);
          }
          for (const message of sent) client.socket.send(message);
          for (const message of sent) expectSamePayload(await client.message(), message);
          await closeCleanly(client, path, p);
        });
      });
    }

    it('agrees on a subprotocol the server supports', async () => {
      const { client, path, peer: p } = await open('subprotocol', {}, ['superchat']);
      expect(client.socket.protocol).toBe('superchat');
      await closeCleanly(client, path, p);
    });

    describe('fragmentation', () => {
      it('reassembles a message the client sent in 1000-byte frames', async () => {
        const { client, path, peer: p } = await open('client-fragments', { fragmentSize: 1000, perMessageDeflate: false });
        const text = asciiText(10_500);
        const bytes = randomBinary(9_999);
        client.socket.send(text);
        client.socket.send(bytes);
        expectSamePayload(await client.message(), text);
        expectSamePayload(await client.message(), bytes);
        await closeCleanly(client, path, p);
      });

      it('reassembles a text message the server sent in several frames', async () => {
        const { client, path, peer: p } = await open('server-fragments');
        client.socket.send('cmd:fragments Hello, frag mented wörld!');
        expect(await client.message()).toBe('Hello,fragmentedwörld!');
        await closeCleanly(client, path, p);
      });
    });

    describe('ping and pong', () => {
      it('gets a pong with the data of its ping', async () => {
        const { client, path, peer: p } = await open('client-ping');
        client.socket.ping('are you there?');
        expect((await client.pong()).toString('utf8')).toBe('are you there?');
        client.socket.ping();
        expect((await client.pong()).length).toBe(0);
        await closeCleanly(client, path, p);
      });

      it("answers the server's ping with a pong carrying the same data", async () => {
        const { client, path, peer: p } = await open('server-ping');
        client.socket.send('cmd:ping knock-knock');
        expect((await client.ping()).toString('utf8')).toBe('knock-knock');
        expect(await client.message()).toBe('pong:knock-knock');
        await closeCleanly(client, path, p);
      });
    });

    describe('closing', () => {
      for (const compression of [false, true]) {
        it(`delivers every message sent before close() ahead of the close frame (compression ${compression ? 'on' : 'off'})`, async () => {
          const { client, path, peer: p } = await open('send-then-close', { perMessageDeflate: compression ? { threshold: 0 } : false });
          for (let i = 0; i < 50; i++) client.socket.send(i % 2 === 0 ? asciiText(100 * i) : randomBinary(50 * i));
          client.socket.close(1000, 'after 50');
          const event = await client.waitClose();
          expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1000, wasClean: true });
          expect(await p.closeSeen(path)).toEqual({ code: 1000, reason: 'after 50', received: 50 });
          // WHATWG: the echoes that arrive once close() was called are not dispatched.
          expect(client.log).toEqual(['open', 'close']);
        });
      }

      it('closes cleanly when the client starts the closing handshake', async () => {
        const { client, path, peer: p } = await open('client-close');
        client.socket.close(4321, 'client is done');
        const event = await client.waitClose();
        expect({ code: event.code, wasClean: event.wasClean, error: event.error }).toEqual({ code: 4321, wasClean: true, error: undefined });
        expect(await p.closeSeen(path)).toMatchObject({ code: 4321, reason: 'client is done' });
        expect(client.log).toEqual(['open', 'close']);
      });

      it('closes cleanly when the server starts the closing handshake', async () => {
        const { client, path, peer: p } = await open('server-close');
        client.socket.send('cmd:close 4001 server is done');
        const event = await client.waitClose();
        expect({ code: event.code, reason: event.reason, wasClean: event.wasClean, error: event.error }).toEqual({
          code: 4001,
          reason: 'server is done',
          wasClean: true,
          error: undefined,
        });
        // The client echoes the code it received (RFC 6455 §5.5.1).
        expect((await p.closeSeen(path)).code).toBe(4001);
        expect(client.log).toEqual(['open', 'close']);
      });

      it('reports 1006 and ERR_CONNECTION_LOST when the server drops TCP without a close frame', async () => {
        const { client, path, peer: p } = await open('abort');
        client.socket.send('cmd:abort');
        const event = await client.waitClose();
        expect({ code: event.code, wasClean: event.wasClean }).toEqual({ code: 1006, wasClean: false });
        expect(event.error?.code).toBe(ErrorCode.CONNECTION_LOST);
        expect(client.errors.map((e) => e.code)).toEqual([ErrorCode.CONNECTION_LOST]);
        expect(client.log).toEqual(['open', 'error', 'close']);
        expect((await p.closeSeen(path)).code).toBe(1006);
      });
    });
  });
}
