import { describe, expect, it } from 'vitest';
import { parseWebSocketUrl } from '@tether/protocol';
import { bypassesProxy, connectRequest, parseProxyUrl, proxyFor } from './proxy';

describe('NO_PROXY', () => {
  const cases: Array<[string, string, number, boolean]> = [
    ['*', 'anything.example', 80, true],
    ['example.com', 'example.com', 443, true],
    ['example.com', 'api.example.com', 443, true],
    ['example.com', 'badexample.com', 443, false],
    ['.example.com', 'api.example.com', 443, true],
    ['*.example.com', 'api.example.com', 443, true],
    ['EXAMPLE.com', 'Example.COM.', 80, true],
    ['example.com:8080', 'example.com', 8080, true],
    ['example.com:8080', 'example.com', 80, false],
    ['127.0.0.1', '127.0.0.1', 9000, true],
    ['127.0.0.1', '127.0.0.2', 9000, false],
    ['::1', '::1', 80, true],
    ['[::1]:8080', '::1', 8080, true],
    ['[::1]:8080', '::1', 80, false],
    ['a.test, b.test  c.test', 'c.test', 80, true],
    ['', 'example.com', 80, false],
  ];
  for (const [list, host, port, expected] of cases) {
    it(`${JSON.stringify(list)} ${expected ? 'exempts' : 'does not exempt'} ${host}:${port}`, () => {
      expect(bypassesProxy(host, port, list)).toBe(expected);
    });
  }
});

describe('proxy URLs', () => {
  it('takes credentials as Basic auth and strips them from href', () => {
    const proxy = parseProxyUrl('http://us%40er:p%3Ass@proxy.test:3128');
    expect(proxy.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect([proxy.href, proxy.hostname, proxy.port, proxy.secure]).toEqual(['http://proxy.test:3128', 'proxy.test', 3128, false]);
  });

  it('defaults the port by scheme and reads a bare host:port as http', () => {
    expect(parseProxyUrl('https://proxy.test').port).toBe(443);
    expect(parseProxyUrl('http://proxy.test').port).toBe(80);
    expect(parseProxyUrl('proxy.test:8080')).toMatchObject({ secure: false, hostname: 'proxy.test', port: 8080 });
    expect(parseProxyUrl('http://[::1]:3128').hostname).toBe('::1');
  });

  it('refuses other schemes', () => {
    expect(() => parseProxyUrl('socks5://proxy.test')).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('which proxy', () => {
  const ws = parseWebSocketUrl('ws://server.test/');
  const wss = parseWebSocketUrl('wss://server.test/');
  const env = { HTTP_PROXY: 'http://plain.test:1', HTTPS_PROXY: 'http://secure.test:2' };

  it('picks HTTP_PROXY for ws and HTTPS_PROXY for wss, lower case first', () => {
    expect(proxyFor(ws, undefined, env)?.hostname).toBe('plain.test');
    expect(proxyFor(wss, undefined, env)?.hostname).toBe('secure.test');
    expect(proxyFor(wss, undefined, { ...env, https_proxy: 'http://lower.test:3' })?.hostname).toBe('lower.test');
    expect(proxyFor(ws, undefined, {})).toBeUndefined();
    expect(proxyFor(ws, undefined, { HTTP_PROXY: '  ' })).toBeUndefined();
  });

  it('the option wins over the environment; false turns proxies off', () => {
    expect(proxyFor(ws, 'http://option.test:9', env)?.hostname).toBe('option.test');
    expect(proxyFor(ws, false, env)).toBeUndefined();
    expect(proxyFor(ws, undefined, { ...env, no_proxy: 'server.test' })).toBeUndefined();
  });
});

describe('the CONNECT request', () => {
  it('names host and port, brackets IPv6, and carries proxy auth', () => {
    const proxy = parseProxyUrl('http://u:p@proxy.test:3128');
    expect(connectRequest(parseWebSocketUrl('wss://server.test/x'), proxy)).toBe(
      `CONNECT server.test:443 HTTP/1.1\r\nHost: server.test:443\r\nProxy-Authorization: Basic ${Buffer.from('u:p').toString('base64')}\r\n\r\n`,
    );
    expect(connectRequest(parseWebSocketUrl('ws://[::1]:8080/'), parseProxyUrl('http://proxy.test'))).toBe(
      'CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n',
    );
  });
});
