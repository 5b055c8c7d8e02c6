import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, HELP, parseArguments, UsageError } from './args';
import { ExitCode } from './exit-codes';

const usage = (argv: string[]) => {
  try {
    parseArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseArguments', () => {
  it('takes a URL and gives the defaults', () => {
    const o = parseArguments(['ws://localhost:8080/chat']);
    expect(o).toMatchObject({ command: 'connect', url: 'ws://localhost:8080/chat', deflate: true, reconnect: false, wait: DEFAULTS.wait, verbose: false });
    expect(o.headers).toEqual([]);
    expect(o.ping).toBeUndefined();
  });

  it('reads a bare host:port as ws://', () => {
    expect(parseArguments(['localhost:9000/x']).url).toBe('ws://localhost:9000/x');
  });

  it('keeps repeated headers and protocols in order', () => {
    const o = parseArguments(['-H', 'X-A: 1', '--header', 'X-A:2', '-p', 'chat', '-p', 'superchat', 'wss://h/']);
    expect(o.headers).toEqual([
      ['X-A', '1'],
      ['X-A', '2'],
    ]);
    expect(o.protocols).toEqual(['chat', 'superchat']);
  });

  it('reads every option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-cli-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'PEM');
      const o = parseArguments(
        ['--origin', 'https://app', '--no-deflate', '--reconnect', '--ping', '2.5', '--ca', join(dir, 'ca.pem'), '-k', '--proxy', 'http://p:3128', '-x', 'a', '-x', 'b', '-w', '0', '-v', '--no-color', 'ws://h'],
      );
      expect(o).toMatchObject({ origin: 'https://app', deflate: false, reconnect: true, ping: 2.5, ca: 'PEM', insecure: true, proxy: 'http://p:3128', wait: 0, verbose: true, color: false });
      expect(o.execute).toEqual(['a', 'b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows help, version and demo', () => {
    expect(parseArguments(['--help']).command).toBe('help');
    expect(parseArguments(['-h', 'ws://h']).command).toBe('help');
    expect(parseArguments(['--version']).command).toBe('version');
    expect(parseArguments(['demo']).command).toBe('demo');
  });

  it('turns NO_COLOR into no colours', () => {
    expect(parseArguments(['ws://h'], { NO_COLOR: '1' }).color).toBe(false);
    expect(parseArguments(['ws://h'], {}).color).toBeUndefined();
  });

  it('refuses what cannot work, each with a message', () => {
    expect(usage([])).toMatch(/no URL/);
    expect(usage(['ws://a', 'ws://b'])).toMatch(/one URL/);
    expect(usage(['ftp://h'])).toMatch(/ws: or wss:/);
    expect(usage(['ws://h/#frag'])).toMatch(/fragment/);
    expect(usage(['--bogus', 'ws://h'])).toMatch(/bogus/);
    expect(usage(['-H', 'no colon', 'ws://h'])).toMatch(/Name: value/);
    expect(usage(['-H', 'Sec-WebSocket-Key: x', 'ws://h'])).toMatch(/sets Sec-WebSocket-Key itself/);
    expect(usage(['-p', 'a b', 'ws://h'])).toMatch(/token/);
    expect(usage(['-p', 'chat', '-p', 'chat', 'ws://h'])).toMatch(/chat/);
    expect(usage(['--ping', '0', 'ws://h'])).toMatch(/above 0/);
    expect(usage(['--ping', 'soon', 'ws://h'])).toMatch(/seconds/);
    expect(usage(['--wait=-1', 'ws://h'])).toMatch(/seconds/);
    expect(usage(['--ca', '/nonexistent/ca.pem', 'ws://h'])).toMatch(/ENOENT/);
    expect(usage(['--proxy', 'socks5://p', 'ws://h'])).toMatch(/http: or https:/);
  });
});

describe('HELP', () => {
  it('lists every option and every exit code', () => {
    for (const option of ['--header', '--protocol', '--origin', '--no-deflate', '--reconnect', '--ping', '--ca', '--insecure', '--proxy', '--execute', '--wait', '--verbose']) {
      expect(HELP).toContain(option);
    }
    for (const code of Object.values(ExitCode)) expect(HELP).toMatch(new RegExp(`^ +${code}  `, 'm'));
  });
});
