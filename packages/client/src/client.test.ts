// Lifecycle and reconnection of the client, on fake sockets and fake time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, HandshakeError } from '@tether/protocol';
import { createClient } from './client';
import { ClientCloseCode, shouldReconnect } from './defaults';
import type { Clock } from './clock';
import { FakeSocket, fakeTransport, PingSocket } from './fake-socket';
import type { ClientOptions, ClientState, CloseEvent, WebSocketConstructor } from './types';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Lets promises (the URL resolution before each attempt) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function setup(options: Partial<ClientOptions<unknown, unknown>> = {}) {
  const t = fakeTransport(FakeSocket);
  const client = createClient({ url: 'ws://test/', transport: t.transport, random: () => 0.5, heartbeat: false, ...options });
  const states: ClientState[] = [];
  const closes: CloseEvent[] = [];
  const reconnects: Array<{ attempt: number; delay: number }> = [];
  client.on('state', (s) => states.push(s));
  client.on('close', (e) => closes.push(e));
  client.on('reconnecting', (r) => reconnects.push(r));
  return { client, t, states, closes, reconnects };
}

describe('connecting', () => {
  it('connects at once, passing url and protocols, and asks for ArrayBuffers instead of Blobs', async () => {
    const { client, t, states } = setup({ protocols: ['a', 'b'] });
    expect(client.state).toBe('connecting');
    await settle();
    expect(t.sockets).toHaveLength(1);
    expect([t.last.url, t.last.protocols, t.last.binaryType]).toEqual(['ws://test/', ['a', 'b'], 'arraybuffer']);
    const opened = vi.fn();
    client.on('open', opened);
    t.last.open();
    expect(client.state).toBe('open');
    expect(opened).toHaveBeenCalledWith({ protocol: '' });
    expect(states).toEqual(['open']); // 'connecting' was entered in the constructor
    await expect(client.opened()).resolves.toBeUndefined();
  });

  it('calls url, protocols and headers functions before each attempt (async ones too)', async () => {
    let n = 0;
    const { t } = setup({
      url: async () => `ws://test/?token=${++n}`,
      protocols: () => 'p',
      headers: async () => ({ authorization: `Bearer ${n}` }),
    });
    await settle();
    expect([t.last.url, t.last.protocols, t.last.options]).toEqual(['ws://test/?token=1', 'p', { headers: { authorization: 'Bearer 1' } }]);
    t.last.open();
    t.last.end();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets.map((s) => s.url)).toEqual(['ws://test/?token=1', 'ws://test/?token=2']);
  });

  it('a url function that throws fails the attempt, which is retried', async () => {
    let calls = 0;
    const { t, closes, client } = setup({
      url: () => {
        if (++calls === 1) throw new Error('no token');
        return 'ws://test/';
      },
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e.code));
    await settle();
    expect(t.sockets).toHaveLength(0);
    expect(errors).toEqual([ErrorCode.CONNECTION_FAILED]);
    expect(closes[0]).toMatchObject({ code: 1006, reconnect: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets).toHaveLength(1);
  });

  it('lazy: no socket until the first send, request or opened()', async () => {
    const { client, t } = setup({ lazy: true });
    await settle();
    expect([client.state, t.sockets.length]).toEqual(['closed', 0]);
    expect(client.send({ type: 'x' }).status).toBe('queued');
    await settle();
    expect(t.sockets).toHaveLength(1);
    t.last.open();
    expect(t.last.json()).toEqual([{ type: 'x' }]);
  });

  it('an AbortSignal closes the client; an aborted one never connects', async () => {
    const ac = new AbortController();
    const { client, t } = setup({ signal: ac.signal });
    await settle();
    t.last.open();
    ac.abort();
    expect(client.state).toBe('closing');
    expect(t.last.closedWith).toEqual({ code: 1000, reason: '' });
    const { client: never, t: t2 } = setup({ signal: AbortSignal.abort() });
    await settle();
    expect([never.state, t2.sockets.length]).toEqual(['closed', 0]);
  });

  it('connect timeout: an attempt that does not open in time is dropped (4001) and retried', async () => {
    const { client, t, closes } = setup({ connectTimeout: 1000 });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e.code));
    await settle();
    const first = t.last;
    await vi.advanceTimersByTimeAsync(1000);
    expect(first.closedWith).toBeDefined();
    expect(closes[0]).toMatchObject({ code: ClientCloseCode.ConnectTimeout, reconnect: true, wasClean: false });
    expect(errors).toEqual([ErrorCode.HANDSHAKE_TIMEOUT]);
    first.open(); // too late: ignored
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets).toHaveLength(2);
  });

  it('connect timeout also covers a URL that never resolves', async () => {
    const { closes } = setup({ url: () => new Promise<string>(() => {}), connectTimeout: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(closes[0]).toMatchObject({ code: ClientCloseCode.ConnectTimeout, reconnect: true });
  });

  it('a constructor that throws (bad URL) is a failed attempt', async () => {
    const { client, closes } = setup({
      transport: function () {
        throw new SyntaxError('bad url');
      } as unknown as WebSocketConstructor,
      reconnect: { maxRetries: 0 },
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e.code));
    await settle();
    expect(errors).toEqual([ErrorCode.CONNECTION_FAILED]);
    expect(closes[0]).toMatchObject({ reconnect: false });
    expect(client.state).toBe('closed');
  });
});

describe('close and connect, in any order', () => {
  it('close() on an open connection does the closing handshake and resolves when closed', async () => {
    const { client, t, states, closes } = setup();
    await settle();
    t.last.open();
    const done = client.close(4321, 'bye');
    expect(client.state).toBe('closing');
    expect(t.last.closedWith).toEqual({ code: 4321, reason: 'bye' });
    let resolved = false;
    void done.then(() => (resolved = true));
    await settle();
    expect(resolved).toBe(false);
    t.last.end(4321, 'bye', true);
    await done;
    expect(states.slice(-2)).toEqual(['closing', 'closed']);
    expect(closes).toEqual([{ code: 4321, reason: 'bye', wasClean: true, reconnect: false }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('close() gives up on a server that never finishes the closing handshake', async () => {
    const { client, t, closes } = setup({ closeTimeout: 2000 });
    await settle();
    t.last.open();
    const done = client.close();
    await vi.advanceTimersByTimeAsync(2000);
    await done;
    expect(client.state).toBe('closed');
    expect(closes[0]?.error?.code).toBe(ErrorCode.CLOSE_TIMEOUT);
  });

  it('close() while connecting drops the attempt without an error', async () => {
    const { client, t, closes } = setup();
    const errors = vi.fn();
    client.on('error', errors);
    await settle();
    await client.close();
    expect(t.last.closedWith).toBeDefined();
    expect(client.state).toBe('closed');
    expect(closes).toEqual([{ code: 1006, reason: '', wasClean: false, reconnect: false }]);
    t.last.open(); // the dropped socket's late events are ignored
    t.last.end();
    expect(client.state).toBe('closed');
    expect(errors).not.toHaveBeenCalled();
  });

  it('close() before the URL resolved creates no socket at all', async () => {
    const { client, t } = setup();
    await client.close();
    await settle();
    expect(t.sockets).toHaveLength(0);
  });

  it('close() while waiting to reconnect cancels the retry', async () => {
    const { client, t } = setup();
    await settle();
    t.last.open();
    t.last.end();
    expect(client.state).toBe('reconnecting');
    await client.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('StrictMode: connect, close, connect in one tick opens exactly one socket', async () => {
    const { client, t } = setup({ lazy: true });
    client.connect();
    void client.close();
    client.connect();
    client.connect();
    await settle();
    expect(t.sockets).toHaveLength(1);
    t.last.open();
    expect(client.state).toBe('open');
  });

  it('connect() during closing reconnects once the socket has closed, never two sockets at once', async () => {
    const { client, t } = setup();
    await settle();
    t.last.open();
    const done = client.close();
    client.connect();
    await settle();
    expect(t.sockets).toHaveLength(1);
    t.last.end(1000, '', true);
    await done;
    await settle();
    expect(t.sockets).toHaveLength(2);
    t.last.open();
    expect(client.state).toBe('open');
  });

  it('any sequence of close/connect leaves at most one live socket and ends in the last asked state', async () => {
    for (let seed = 0; seed < 30; seed++) {
      const { client, t } = setup({ lazy: true });
      let want = false;
      // The server's side: accept pending handshakes, complete closing handshakes.
      const serve = async () => {
        for (const s of t.sockets) {
          if (s.readyState === 0 && s.closedWith === undefined) s.open();
          else if (s.readyState === 2) s.end(1000, '', true);
        }
        await settle();
      };
      for (let i = 0; i < 8; i++) {
        const op = (seed * 7 + i * 13) % 5;
        if (op < 2) (client.connect(), (want = true));
        else if (op < 4) (void client.close(), (want = false));
        else await settle();
        if (op === 4) await serve();
        const live = t.sockets.filter((s) => s.closedWith === undefined && s.readyState < 2);
        expect(live.length).toBeLessThanOrEqual(1);
      }
      await serve();
      await serve();
      expect([seed, client.state]).toEqual([seed, want ? 'open' : 'closed']);
      const done = client.close();
      await serve();
      await done;
      expect(client.state).toBe('closed');
    }
  });

  it('close() validates its code synchronously', () => {
    const { client } = setup();
    expect(() => client.close(1001)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    expect(() => client.close(5000)).toThrow();
  });

  it('opened() rejects when the client is closed first, and at once when it is closed', async () => {
    const { client } = setup();
    const waiting = client.opened();
    void client.close();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await expect(client.opened()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  });
});

describe('reconnection', () => {
  it('backs off with full jitter, growing per failed attempt', async () => {
    let r = 0.999999;
    const { t, reconnects } = setup({ random: () => r, reconnect: { initialDelay: 100, maxDelay: 1000 } });
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(2000);
      t.last.end();
    }
    expect(reconnects.map((x) => x.delay)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(reconnects.map((x) => x.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    r = 0;
    await vi.advanceTimersByTimeAsync(2000);
    t.last.end();
    expect(reconnects.at(-1)?.delay).toBe(0);
  });

  it('resets the attempt count only after the connection stayed up for minUptime', async () => {
    const { t, reconnects } = setup({ random: () => 0.999999, reconnect: { initialDelay: 100, minUptime: 5000 } });
    await settle();
    t.last.end(); // attempt 1: 100
    await vi.advanceTimersByTimeAsync(100);
    t.last.open();
    await vi.advanceTimersByTimeAsync(4999);
    t.last.end(); // up for less than minUptime: attempt 2: 200
    await vi.advanceTimersByTimeAsync(200);
    t.last.open();
    await vi.advanceTimersByTimeAsync(5000);
    t.last.end(); // stable: back to attempt 1
    expect(reconnects.map((x) => [x.attempt, x.delay])).toEqual([
      [1, 100],
      [2, 200],
      [1, 100],
    ]);
  });

  it('gives up after maxRetries consecutive failures', async () => {
    const { client, t, closes } = setup({ reconnect: { maxRetries: 2 } });
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(5000);
      t.last.end();
    }
    expect(closes.map((c) => c.reconnect)).toEqual([true, true, false]);
    expect(client.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(3);
    expect(client.send('x').status).toBe('rejected');
    client.connect(); // starts again
    await settle();
    expect(t.sockets).toHaveLength(4);
  });

  it('reconnect: false never reconnects', async () => {
    const { client, t, closes } = setup({ reconnect: false });
    await settle();
    t.last.open();
    t.last.end(1001, 'going away', true);
    expect(closes[0]?.reconnect).toBe(false);
    expect(client.state).toBe('closed');
  });

  it('default policy: no reconnect after 1008, nor after a 4xx handshake other than 429', () => {
    const base = { code: 1006, reason: '', wasClean: false };
    expect(shouldReconnect(base)).toBe(true);
    expect(shouldReconnect({ ...base, code: 1008 })).toBe(false);
    expect(shouldReconnect({ ...base, code: 1000 })).toBe(true);
    expect(shouldReconnect({ ...base, code: ClientCloseCode.HeartbeatTimeout })).toBe(true);
    expect(shouldReconnect({ ...base, status: 401 })).toBe(false);
    expect(shouldReconnect({ ...base, status: 404 })).toBe(false);
    expect(shouldReconnect({ ...base, status: 429 })).toBe(true);
    expect(shouldReconnect({ ...base, status: 503 })).toBe(true);
  });

  it('a server close with 1008 ends the client', async () => {
    const { client, t, closes } = setup();
    await settle();
    t.last.open();
    t.last.end(1008, 'policy', true);
    expect(closes[0]).toMatchObject({ code: 1008, reconnect: false });
    expect(client.state).toBe('closed');
  });

  it("a HandshakeError on the error event (Tether's transport) carries status and Retry-After", async () => {
    const { client, t, closes, reconnects } = setup();
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await settle();
    const refusal = new HandshakeError(ErrorCode.HANDSHAKE_STATUS, 'busy', 429, { 'retry-after': '7' });
    t.last.error(refusal);
    t.last.end();
    expect(errors).toEqual([refusal]);
    expect(closes[0]).toMatchObject({ status: 429, retryAfter: 7000, reconnect: true, error: refusal });
    expect(reconnects[0]?.delay).toBeGreaterThanOrEqual(7000);
  });

  it("ws's unexpected-response gives status and headers; a 401 is final", async () => {
    const t = fakeTransport(PingSocket);
    const client = createClient({ url: 'ws://x/', transport: t.transport, heartbeat: false });
    const closes: CloseEvent[] = [];
    client.on('close', (e) => closes.push(e));
    await settle();
    t.last.emit('unexpected-response', {}, { statusCode: 401, headers: { 'www-authenticate': 'Bearer' } });
    expect(t.last.terminated).toBe(true);
    t.last.error(new Error('Unexpected server response: 401'));
    t.last.end();
    expect(closes[0]).toMatchObject({ status: 401, reconnect: false });
    expect(closes[0]?.error).toBeInstanceOf(HandshakeError);
    expect((closes[0]?.error as HandshakeError).headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect(client.state).toBe('closed');
  });

  it('a custom shouldReconnect decides, and one that throws means no', async () => {
    const seen: number[] = [];
    const { client, t } = setup({
      shouldReconnect: (info) => {
        seen.push(info.code);
        if (info.code === 4999) throw new Error('oops');
        return info.code !== 4400;
      },
    });
    await settle();
    t.last.end(4401);
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    t.last.end(4999);
    expect(client.state).toBe('closed');
    expect(seen).toEqual([4401, 4999]);
  });

  it('a close listener may call close() or connect() without confusing the client', async () => {
    const { client, t } = setup();
    client.once('close', () => void client.close());
    await settle();
    t.last.open();
    t.last.end();
    expect(client.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(1);
    client.once('close', () => client.connect());
    client.connect();
    await settle();
    t.last.open();
    t.last.end(1008);
    await settle();
    expect(t.sockets).toHaveLength(3);
    expect(client.state).toBe('connecting');
  });
});

describe('the page around it', () => {
  function browser(onLine: boolean) {
    const win = new EventTarget();
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    const nav = { onLine };
    vi.stubGlobal('navigator', nav);
    return { win, nav };
  }

  it('makes no attempt while offline, and one at once on `online`', async () => {
    const { win, nav } = browser(false);
    const { client, t } = setup({ reconnect: { initialDelay: 10_000 } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets).toHaveLength(0);
    expect(client.state).toBe('reconnecting');
    nav.onLine = true;
    win.dispatchEvent(new Event('online'));
    await settle();
    expect(t.sockets).toHaveLength(1);
  });

  it('a page shown again while waiting to reconnect tries at once; while open, it probes', async () => {
    const { win } = browser(true);
    const { client, t } = setup({ reconnect: { initialDelay: 60_000 }, heartbeat: { message: 'ping' } });
    await settle();
    t.last.open();
    win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(t.last.sent).toEqual(['ping']);
    t.last.end();
    expect(client.state).toBe('reconnecting');
    win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await settle();
    expect(t.sockets).toHaveLength(2);
    await client.close();
    win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await settle();
    expect(t.sockets).toHaveLength(2);
  });

  it('going offline while open probes at once, and a probe left unanswered closes within the timeout (4000)', async () => {
    const { win } = browser(true);
    const { client, t, closes } = setup({ reconnect: { initialDelay: 60_000 }, heartbeat: { message: 'ping', interval: 60_000, timeout: 500 } });
    await settle();
    t.last.open();
    await vi.advanceTimersByTimeAsync(100);
    win.dispatchEvent(new Event('offline'));
    expect(t.last.sent).toEqual(['ping']);
    await vi.advanceTimersByTimeAsync(499);
    expect(client.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(closes.map((c) => c.code)).toEqual([ClientCloseCode.HeartbeatTimeout]);
    expect(client.state).toBe('reconnecting');
    // Offline while waiting: nothing to probe, and no attempt.
    win.dispatchEvent(new Event('offline'));
    await settle();
    expect(t.sockets).toHaveLength(1);
  });

  it('uses an injected clock for its timers', async () => {
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const clock: Clock = { now: () => 0, setTimeout: (fn, ms) => timers.push({ fn, ms }), clearTimeout: () => {} };
    const { t } = setup({ clock, connectTimeout: 1234 });
    await settle();
    expect(timers.map((x) => x.ms)).toContain(1234);
    expect(vi.getTimerCount()).toBe(0);
    t.last.end();
    expect(timers.at(-1)?.ms).toBe(250);
  });
});
