import { describe, expect, it } from 'vitest';
import { parseWebSocketUrl } from '@tether/protocol';
import { redirectHeaders, resolveRedirect, withUrlCredentials } from './redirect';

const from = parseWebSocketUrl('wss://a.test/chat?x=1');

describe('resolving a Location', () => {
  it('resolves relative locations and maps http(s) to ws(s)', () => {
    expect(resolveRedirect(from, '/other').target.href).toBe('wss://a.test/other');
    expect(resolveRedirect(from, 'https://a.test/y#frag').target.href).toBe('wss://a.test/y');
    expect(resolveRedirect(from, 'http://a.test:8080/').target.href).toBe('ws://a.test:8080/');
  });

  it('calls a change of scheme, host or port a new origin', () => {
    expect(resolveRedirect(from, '/same').crossOrigin).toBe(false);
    expect(resolveRedirect(from, 'wss://A.TEST:443/').crossOrigin).toBe(false);
    expect(resolveRedirect(from, 'ws://a.test/').crossOrigin).toBe(true);
    expect(resolveRedirect(from, 'wss://b.test/').crossOrigin).toBe(true);
    expect(resolveRedirect(from, 'wss://a.test:8443/').crossOrigin).toBe(true);
  });

  it('refuses a location that is not a WebSocket URL', () => {
    expect(() => resolveRedirect(from, 'ftp://a.test/')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_URL' }));
    expect(() => resolveRedirect(from, 'http://')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_URL' }));
  });
});

describe('headers across a redirect', () => {
  const headers: Array<readonly [string, string]> = [
    ['authorization', 'Bearer t'],
    ['Cookie', 'a=1'],
    ['PROXY-AUTHORIZATION', 'Basic x'],
    ['X-Keep', 'yes'],
  ];

  it('keeps everything on the same origin and drops credentials on another', () => {
    expect(redirectHeaders(headers, false)).toEqual(headers);
    expect(redirectHeaders(headers, true)).toEqual([['X-Keep', 'yes']]);
  });

  it('turns URL credentials into Basic auth unless an Authorization header is set', () => {
    expect(withUrlCredentials('ws://u%20x:p@a.test/', [])).toEqual([['Authorization', `Basic ${Buffer.from('u x:p').toString('base64')}`]]);
    expect(withUrlCredentials('ws://u:p@a.test/', headers)).toBe(headers);
    expect(withUrlCredentials('ws://a.test/', [])).toEqual([]);
  });
});
