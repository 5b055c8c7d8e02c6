import { describe, expect, it } from 'vitest';
import type { TetherError } from '@tether/protocol';
import type { OutgoingMessage } from './data';
import type { Compressor } from './deflate';
import { Outbox, type ReadyMessage } from './outbox';

/** A compressor that finishes only when the test says so, uppercasing "compressed" bytes. */
function manualCompressor(): { compressor: Compressor; finish: () => void; pending: () => number } {
  const queue: Array<() => void> = [];
  const compressor = {
    usable: true,
    compress(data: Uint8Array, done: (e: TetherError | null, out?: Buffer) => void) {
      queue.push(() => done(null, Buffer.from(Buffer.from(data).toString().toUpperCase())));
    },
    close() {},
  } as unknown as Compressor;
  return { compressor, finish: () => queue.shift()?.(), pending: () => queue.length };
}

function recorder(): { sink: { transmit(m: ReadyMessage, c: boolean): void; fail(e: TetherError): void }; sent: string[]; failures: TetherError[] } {
  const sent: string[] = [];
  const failures: TetherError[] = [];
  return {
    sent,
    failures,
    sink: {
      transmit: (m, compressed) => sent.push(`${compressed ? 'z:' : ''}${typeof m.data === 'string' ? m.data : Buffer.from(m.data).toString()}`),
      fail: (e) => failures.push(e),
    },
  };
}

const text = (data: string): OutgoingMessage => ({ text: true, data, size: Buffer.byteLength(data) });

describe('Outbox', () => {
  it('sends at once when nothing waits and nothing needs compressing', () => {
    const { sink, sent } = recorder();
    const outbox = new Outbox(sink, null, 0);
    outbox.send(text('a'));
    outbox.send(text('b'));
    expect(sent).toEqual(['a', 'b']);
  });

  it('keeps order behind a message being compressed, and runs close after them', () => {
    const { sink, sent } = recorder();
    const { compressor, finish } = manualCompressor();
    const outbox = new Outbox(sink, compressor, 5);
    const order: string[] = [];
    outbox.send(text('long one'));
    outbox.send(text('tiny'));
    outbox.send(text('long two'));
    outbox.then(() => order.push('close'));
    expect(sent).toEqual([]);
    finish();
    expect(sent).toEqual(['z:LONG ONE', 'tiny']);
    finish();
    expect(sent).toEqual(['z:LONG ONE', 'tiny', 'z:LONG TWO']);
    expect(order).toEqual(['close']);
  });

  it('copies bytes it has to hold, so the caller may reuse them', () => {
    const { sink, sent } = recorder();
    const { compressor, finish } = manualCompressor();
    const outbox = new Outbox(sink, compressor, 1);
    const bytes = Buffer.from('abc');
    outbox.send({ text: false, data: bytes, size: 3 });
    bytes.fill(0x7a);
    finish();
    expect(sent).toEqual(['z:ABC']);
  });

  it('waits for a Blob to be read before what follows', async () => {
    const { sink, sent } = recorder();
    const outbox = new Outbox(sink, null, 0);
    outbox.send({ text: false, data: new Blob(['blob']), size: 4 });
    outbox.send(text('after'));
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual(['blob', 'after']);
  });

  it('drops everything once closed', () => {
    const { sink, sent } = recorder();
    const { compressor, finish } = manualCompressor();
    const outbox = new Outbox(sink, compressor, 1);
    outbox.send(text('queued'));
    outbox.close();
    finish();
    outbox.send(text('late'));
    expect(sent).toEqual([]);
  });
});
