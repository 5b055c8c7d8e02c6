// Messages through the client: send and the queue, routing, codecs, validation, requests,
// iteration, heartbeats and throwing listeners, on fake sockets and fake time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type TetherError } from '@tether/protocol';
import { createClient } from './client';
import { ClientCloseCode } from './defaults';
import { FakeSocket, fakeTransport, PingSocket } from './fake-socket';
import type { StandardResult, StandardSchemaV1 } from './schema';
import type { ClientError, ClientOptions, CloseEvent, DropEvent } from './types';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const settle = () => vi.advanceTimersByTimeAsync(0);

type In = { type: 'chat'; text: string } | { type: 'presence'; users: string[] } | { type: 'reply'; id: string; ok: boolean };
type Out = { type: 'say'; text: string } | { type: 'get'; id?: string };

async function open(options: Partial<ClientOptions<In, Out>> = {}) {
  const t = fakeTransport(FakeSocket);
  const client = createClient<In, Out>({ url: 'ws://test/', transport: t.transport, random: () => 0, heartbeat: false, ...options });
  const errors: ClientError[] = [];
  const drops: Array<DropEvent<Out>> = [];
  client.on('error', (e) => errors.push(e));
  client.on('drop', (d) => drops.push(d));
  await settle();
  t.last.open();
  return { client, t, errors, drops };
}

describe('send', () => {
  it('sends at once when open, queues otherwise, rejects after close', async () => {
    const { client, t } = await open();
    expect(client.send({ type: 'say', text: 'a' }).status).toBe('sent');
    expect(t.last.json()).toEqual([{ type: 'say', text: 'a' }]);
    t.last.end();
    expect(client.send({ type: 'say', text: 'b' }).status).toBe('queued');
    await client.close();
    const r = client.send({ type: 'say', text: 'c' });
    expect(r.status).toBe('rejected');
    expect(r.status === 'rejected' && r.error.code).toBe(ErrorCode.CLOSED);
    await expect(r.written()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    expect(client.queue.toArray()).toEqual([{ type: 'say', text: 'b' }]);
  });

  it('queued messages go out on the next open, in order, before anything an open listener sends', async () => {
    const { client, t } = await open();
    t.last.end();
    const results = [1, 2, 3].map((n) => client.send({ type: 'say', text: `q${n}` }));
    client.once('open', () => client.send({ type: 'say', text: 'from open' }));
    const written = Promise.all(results.map((r) => r.written()));
    await vi.advanceTimersByTimeAsync(1000);
    t.last.open();
    await written;
    expect(t.last.json().map((m) => (m as { text: string }).text)).toEqual(['q1', 'q2', 'q3', 'from open']);
    expect(client.queue.size).toBe(0);
  });

  it('a message that cannot be encoded is rejected, not thrown', async () => {
    const { client } = await open();
    const cyclic: Record<string, unknown> = { type: 'say' };
    cyclic.self = cyclic;
    const r = client.send(cyclic as Out);
    expect(r.status).toBe('rejected');
    expect(r.status === 'rejected' && r.error.code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('the queue bound drops the oldest with a drop event and rejects its written()', async () => {
    const { client, t, drops } = await open({ queue: { maxCount: 2 } });
    t.last.end();
    const first = client.send({ type: 'say', text: '1' });
    client.send({ type: 'say', text: '2' });
    client.send({ type: 'say', text: '3' });
    expect(drops.map((d) => [d.message, d.reason, d.error.code])).toEqual([[{ type: 'say', text: '1' }, 'overflow', ErrorCode.QUEUE_FULL]]);
    await expect(first.written()).rejects.toMatchObject({ code: ErrorCode.QUEUE_FULL });
  });

  it("overflow 'error' rejects the new message and reports an error event", async () => {
    const { client, t, errors, drops } = await open({ queue: { maxCount: 1, overflow: 'error' } });
    t.last.end();
    client.send({ type: 'say', text: '1' });
    const r = client.send({ type: 'say', text: '2' });
    expect(r.status).toBe('rejected');
    expect(errors.map((e) => e.code)).toContain(ErrorCode.QUEUE_FULL);
    expect(drops).toEqual([]);
  });

  it('per-message ttl: expired messages are dropped, not sent late', async () => {
    const { client, t, drops } = await open({ queue: { ttl: 10_000 } });
    t.last.end();
    client.send({ type: 'say', text: 'short' }, { ttl: 100 });
    client.send({ type: 'say', text: 'default' });
    await vi.advanceTimersByTimeAsync(100);
    expect(drops.map((d) => d.reason)).toEqual(['expired']);
    t.last.open(); // a stale socket: ignored
    await settle();
    t.last.open();
    expect(t.last.json()).toEqual([{ type: 'say', text: 'default' }]);
  });

  it('queue.clear() drops everything with reason cleared', async () => {
    const { client, t, drops } = await open();
    t.last.end();
    client.send({ type: 'say', text: '1' });
    client.queue.clear();
    expect(drops.map((d) => d.reason)).toEqual(['cleared']);
    expect([client.queue.size, client.queue.bytes]).toEqual([0, 0]);
  });

  it('a socket whose send throws keeps the message queued', async () => {
    const { client, t } = await open();
    t.last.send = () => {
      throw new Error('InvalidStateError');
    };
    expect(client.send({ type: 'say', text: 'x' }).status).toBe('queued');
    expect(client.queue.size).toBe(1);
  });
});

describe('receiving', () => {
  it('emits message and the routed event, ignoring lifecycle names as routes', async () => {
    const { client, t } = await open();
    const all: unknown[] = [];
    const chats: string[] = [];
    const closes: CloseEvent[] = [];
    client.on('message', (m) => all.push(m));
    client.on('chat', (m) => chats.push(m.text));
    client.on('close', (e) => closes.push(e));
    t.last.receive('{"type":"chat","text":"hi"}');
    t.last.receive('{"type":"close","code":"not a close event"}');
    t.last.receive('[1,2]');
    expect(all).toHaveLength(3);
    expect(chats).toEqual(['hi']);
    expect(closes).toEqual([]);
  });

  it('routes by a configured discriminator', async () => {
    const t = fakeTransport(FakeSocket);
    type KIn = { kind: 'a'; n: number } | { kind: 'b' };
    const client = createClient<KIn, never, 'kind'>({ url: 'ws://x', transport: t.transport, discriminator: 'kind', heartbeat: false });
    const got: number[] = [];
    client.on('a', (m) => got.push(m.n));
    await settle();
    t.last.open();
    t.last.receive(JSON.stringify({ kind: 'a', n: 1 }));
    t.last.receive(JSON.stringify({ type: 'a', n: 2 }));
    expect(got).toEqual([1]);
  });

  it('reads binary frames (ArrayBuffer) as JSON too', async () => {
    const { client, t } = await open();
    const got = vi.fn();
    client.on('chat', got);
    t.last.receive(new TextEncoder().encode('{"type":"chat","text":"bin"}').buffer);
    expect(got).toHaveBeenCalledWith({ type: 'chat', text: 'bin' });
  });

  it('a message that fails to decode is an error event with the raw data, and the client carries on', async () => {
    const { client, t, errors } = await open();
    const got = vi.fn();
    client.on('message', got);
    t.last.receive('{not json');
    t.last.receive('{"type":"chat","text":"ok"}');
    expect(errors.map((e) => [e.code, e.data])).toEqual([[ErrorCode.DECODE_FAILED, '{not json']]);
    expect(errors[0]?.cause).toBeInstanceOf(SyntaxError);
    expect(got).toHaveBeenCalledTimes(1);
    expect(client.state).toBe('open');
  });

  it('text, binary and custom codecs', async () => {
    const t = fakeTransport(FakeSocket);
    const text = createClient<string, string>({ url: 'ws://x', transport: t.transport, codec: 'text', heartbeat: false });
    const bin = createClient<Uint8Array, Uint8Array>({ url: 'ws://x', transport: t.transport, codec: 'binary', heartbeat: false });
    const custom = createClient<number, number>({
      url: 'ws://x',
      transport: t.transport,
      heartbeat: false,
      codec: { encode: (n) => `#${n}`, decode: (d) => Number(String(d).slice(1)) },
    });
    await settle();
    t.sockets.forEach((s) => s.open());
    const got: unknown[] = [];
    text.on('message', (m) => got.push(m));
    bin.on('message', (m) => got.push(m));
    custom.on('message', (m) => got.push(m));
    text.send('hello');
    bin.send(new Uint8Array([1]));
    custom.send(42);
    t.sockets[0]?.receive('t');
    t.sockets[1]?.receive(new Uint8Array([9]).buffer);
    t.sockets[2]?.receive('#7');
    expect(t.sockets.map((s) => s.sent[0])).toEqual(['hello', new Uint8Array([1]), '#42']);
    expect(got).toEqual(['t', new Uint8Array([9]), 7]);
  });

  it('validates with a Standard Schema: failures are error events, not messages', async () => {
    const schema: StandardSchemaV1<unknown, In> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v): StandardResult<In> =>
          (v as { type?: unknown }).type === 'chat' ? { value: v as In } : { issues: [{ message: 'not a chat' }] },
      },
    };
    const { client, t, errors } = await open({ schema });
    const got = vi.fn();
    client.on('message', got);
    t.last.receive('{"type":"chat","text":"ok"}');
    t.last.receive('{"type":"presence","users":[]}');
    expect(got).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => [e.code, e.data])).toEqual([[ErrorCode.VALIDATION_FAILED, '{"type":"presence","users":[]}']]);
    expect(errors[0]?.cause).toEqual([{ message: 'not a chat' }]);
  });

  it('an asynchronous validator keeps the order of arrival', async () => {
    let n = 0;
    const schema: StandardSchemaV1<unknown, In> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        // Every other result is asynchronous, the first one slowest.
        validate: (v) => (n++ % 2 === 0 ? new Promise((r) => setTimeout(() => r({ value: v as In }), 100 - n)) : { value: v as In }),
      },
    };
    const { client, t } = await open({ schema });
    const got: string[] = [];
    client.on('chat', (m) => got.push(m.text));
    for (const text of ['1', '2', '3', '4', '5']) t.last.receive(JSON.stringify({ type: 'chat', text }));
    await vi.advanceTimersByTimeAsync(200);
    expect(got).toEqual(['1', '2', '3', '4', '5']);
  });

  it('async iteration yields messages until the client closes', async () => {
    const { client, t } = await open();
    const seen: In[] = [];
    const loop = (async () => {
      for await (const m of client) seen.push(m);
    })();
    await settle();
    t.last.receive('{"type":"chat","text":"1"}');
    t.last.receive('{"type":"chat","text":"2"}');
    t.last.end(); // a reconnect does not end the iteration
    await settle();
    t.last.open();
    t.last.receive('{"type":"chat","text":"3"}');
    await settle();
    expect(seen).toHaveLength(3);
    const closing = client.close();
    t.last.end(1000, '', true);
    await closing;
    await loop;
    expect(client.listenerCount('message')).toBe(0);
  });

  it('iterating a lazy client connects it', async () => {
    const t = fakeTransport(FakeSocket);
    const client = createClient<In, Out>({ url: 'ws://x', transport: t.transport, lazy: true, heartbeat: false });
    const first = client[Symbol.asyncIterator]().next();
    await settle();
    t.last.open();
    t.last.receive('{"type":"chat","text":"lazy"}');
    await expect(first).resolves.toEqual({ done: false, value: { type: 'chat', text: 'lazy' } });
  });

  it('a probe on a socket that throws (closing) does not crash the client', async () => {
    const t = fakeTransport(PingSocket);
    const client = createClient({ url: 'ws://x', transport: t.transport, heartbeat: { interval: 100, timeout: 100 } });
    await settle();
    t.last.open();
    t.last.ping = () => {
      throw new Error('WebSocket is not open: readyState 2 (CLOSING)');
    };
    await vi.advanceTimersByTimeAsync(100);
    expect(client.state).toBe('open');
  });

  it('breaking out of an async iteration removes its listeners', async () => {
    const { client, t } = await open();
    const loop = (async () => {
      for await (const m of client) if (m.type === 'chat') break;
    })();
    await settle();
    expect(client.listenerCount('message')).toBe(1);
    t.last.receive('{"type":"chat","text":"x"}');
    await loop;
    expect(client.listenerCount('message')).toBe(0);
  });
});

describe('listeners that throw', () => {
  it('become error events; the other events and the client carry on', async () => {
    const { client, t, errors } = await open();
    const got = vi.fn();
    client.on('chat', () => {
      throw new Error('app bug');
    });
    client.on('message', got);
    client.on('close', () => {
      throw new Error('close bug');
    });
    t.last.receive('{"type":"chat","text":"x"}');
    expect(got).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.LISTENER_FAILED]);
    expect((errors[0]?.cause as Error).message).toBe('app bug');
    t.last.end();
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.state).toBe('connecting');
  });

  it('an error listener that throws is swallowed', async () => {
    const { client, t } = await open();
    client.on('error', () => {
      throw new Error('worse');
    });
    expect(() => t.last.receive('{bad')).not.toThrow();
    expect(client.state).toBe('open');
  });
});

describe('request/response', () => {
  it('resolves with the reply carrying the same id, which is not delivered as a message', async () => {
    const { client, t } = await open({ requests: { createId: () => 'r1' } });
    const messages = vi.fn();
    client.on('message', messages);
    const reply = client.request({ type: 'get' });
    expect(t.last.json()).toEqual([{ type: 'get', id: 'r1' }]);
    t.last.receive('{"type":"reply","id":"other","ok":false}');
    t.last.receive('{"type":"reply","id":"r1","ok":true}');
    await expect(reply).resolves.toEqual({ type: 'reply', id: 'r1', ok: true });
    expect(messages).toHaveBeenCalledTimes(1);
  });

  it('uses configured id fields', async () => {
    const { client, t } = await open({ requests: { idField: 'rid', replyField: 're', createId: () => 7 } });
    const reply = client.request({ type: 'get' });
    expect(t.last.json()).toEqual([{ type: 'get', rid: 7 }]);
    t.last.receive('{"type":"reply","re":7}');
    await expect(reply).resolves.toEqual({ type: 'reply', re: 7 });
  });

  it('rejects on timeout, and a queued request is taken out of the queue', async () => {
    const { client, t } = await open();
    t.last.end();
    const reply = client.request({ type: 'get' }, { timeout: 500 });
    expect(client.queue.size).toBe(1);
    const check = expect(reply).rejects.toMatchObject({ code: ErrorCode.REQUEST_TIMEOUT });
    await vi.advanceTimersByTimeAsync(500);
    await check;
    expect(client.queue.size).toBe(0);
  });

  it('rejects when aborted, at once if the signal already is', async () => {
    const { client } = await open();
    const ac = new AbortController();
    const reply = client.request({ type: 'get' }, { signal: ac.signal });
    ac.abort('stop');
    await expect(reply).rejects.toMatchObject({ code: ErrorCode.ABORTED, cause: 'stop' });
    await expect(client.request({ type: 'get' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });

  it('rejects when the connection that carried it closes; a queued one waits for the next', async () => {
    const { client, t } = await open({ requests: { createId: () => String(Math.random()) } });
    const carried = client.request({ type: 'get' });
    const check = expect(carried).rejects.toMatchObject({ code: ErrorCode.CONNECTION_LOST });
    t.last.end();
    await check;
    const queued = client.request({ type: 'get' });
    await vi.advanceTimersByTimeAsync(1000);
    t.last.open();
    const id = (t.last.json()[0] as { id: string }).id;
    t.last.receive(JSON.stringify({ type: 'reply', id, ok: true }));
    await expect(queued).resolves.toMatchObject({ ok: true });
  });

  it('a queued request dropped from the queue rejects with the reason', async () => {
    const { client, t } = await open({ queue: { ttl: 100 } });
    t.last.end();
    const reply = client.request({ type: 'get' });
    const check = expect(reply).rejects.toMatchObject({ code: ErrorCode.MESSAGE_EXPIRED });
    await vi.advanceTimersByTimeAsync(100);
    await check;
    const cleared = client.request({ type: 'get' });
    client.queue.clear();
    await expect(cleared).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });

  it('rejects on close() and on a non-object message', async () => {
    const { client } = await open();
    const reply = client.request({ type: 'get' });
    void client.close();
    await expect(reply).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await expect(client.request('x' as unknown as Out)).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });
});

describe('heartbeats', () => {
  it('in ping mode (a transport with ping()), a missing pong closes with 4000 and reconnects', async () => {
    const t = fakeTransport(PingSocket);
    const client = createClient({ url: 'ws://x', transport: t.transport, heartbeat: { interval: 1000, timeout: 500 } });
    const closes: CloseEvent[] = [];
    const errors: TetherError[] = [];
    client.on('close', (e) => closes.push(e));
    client.on('error', (e) => errors.push(e));
    await settle();
    t.last.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.last.pings).toBe(1);
    t.last.emit('pong');
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.last.pings).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(t.last.closedWith).toEqual({ code: ClientCloseCode.HeartbeatTimeout, reason: 'heartbeat timeout' });
    expect(t.last.terminated).toBe(true);
    expect(closes[0]).toMatchObject({ code: 4000, reconnect: true });
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.HEARTBEAT_TIMEOUT]);
    expect(client.state).toBe('reconnecting');
  });

  it('any incoming message counts as life', async () => {
    const t = fakeTransport(PingSocket);
    const client = createClient({ url: 'ws://x', transport: t.transport, heartbeat: { interval: 1000, timeout: 500 } });
    await settle();
    t.last.open();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      t.last.receive('{}');
    }
    expect(t.last.pings).toBe(0);
    expect(client.state).toBe('open');
  });

  it('without ping(), an application message and its reply; the reply is not delivered', async () => {
    const t = fakeTransport(FakeSocket);
    const client = createClient({
      url: 'ws://x',
      transport: t.transport,
      heartbeat: { interval: 1000, timeout: 500, message: () => '{"type":"ping"}', isReply: (d) => d === '{"type":"pong"}' },
    });
    const got = vi.fn();
    client.on('message', got);
    await settle();
    t.last.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.last.sent).toEqual(['{"type":"ping"}']);
    t.last.receive('{"type":"pong"}');
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.state).toBe('open');
    expect(got).not.toHaveBeenCalled();
  });

  it('no heartbeat where the transport cannot ping and no message is configured (browser default)', async () => {
    const { client } = await open({ heartbeat: {} });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(client.state).toBe('open');
  });

  it('heartbeat: false turns pings off even where the transport has them', async () => {
    const t = fakeTransport(PingSocket);
    createClient({ url: 'ws://x', transport: t.transport, heartbeat: false });
    await settle();
    t.last.open();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(t.last.pings).toBe(0);
  });
});
