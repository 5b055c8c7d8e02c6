// The chat example's pure parts, without a browser: options from the query string, and the status
// line's words (the countdown among them).
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../docs/examples/chat/src/config';
import { statusText, type StatusInfo } from '../../docs/examples/chat/src/status';

const at = (search: string) => readConfig({ search, hostname: 'chat.example' }, () => 0.5);

describe('readConfig', () => {
  it('defaults to this host on port 8787, a guest name and the client defaults', () => {
    expect(at('')).toEqual({ server: 'ws://chat.example:8787', name: 'guest-5500' });
  });

  it('takes the server, the name, the heartbeat and maxDelay from the query string', () => {
    expect(at('?server=ws://127.0.0.1:9&name=%20ann%20&heartbeat=300&heartbeatTimeout=200&maxDelay=1000')).toEqual({
      server: 'ws://127.0.0.1:9',
      name: 'ann',
      heartbeat: { interval: 300, timeout: 200 },
      maxDelay: 1000,
    });
  });

  it('fills the other heartbeat field with the client default, and ignores numbers that are not positive', () => {
    expect(at('?heartbeat=300').heartbeat).toEqual({ interval: 300, timeout: 10_000 });
    expect(at('?heartbeatTimeout=200').heartbeat).toEqual({ interval: 25_000, timeout: 200 });
    expect(at('?heartbeat=abc&maxDelay=-5&name=')).toEqual({ server: 'ws://chat.example:8787', name: 'guest-5500' });
  });
});

describe('statusText', () => {
  const base: StatusInfo = { name: 'ann', state: 'open', online: true, attempt: 0, nextRetryAt: null };

  it('says who is connected, and what is happening otherwise', () => {
    expect(statusText(base, 0)).toBe('Connected as ann');
    expect(statusText({ ...base, state: 'connecting' }, 0)).toBe('Connecting…');
    expect(statusText({ ...base, state: 'connecting', attempt: 2 }, 0)).toBe('Connecting (attempt 2)…');
    expect(statusText({ ...base, state: 'closing' }, 0)).toBe('Closing…');
    expect(statusText({ ...base, state: 'closed' }, 0)).toBe('Disconnected');
  });

  it('counts down to the next attempt, never below zero', () => {
    const waiting: StatusInfo = { ...base, state: 'reconnecting', attempt: 3, nextRetryAt: 10_000 };
    expect(statusText(waiting, 7_650)).toBe('Reconnecting in 2.4 s (attempt 3)');
    expect(statusText(waiting, 12_000)).toBe('Reconnecting in 0.0 s (attempt 3)');
  });

  it('says offline instead of a countdown while the network is gone', () => {
    expect(statusText({ ...base, state: 'reconnecting', online: false, attempt: 1, nextRetryAt: 5 }, 0)).toBe('Offline: waiting for the network');
  });
});
