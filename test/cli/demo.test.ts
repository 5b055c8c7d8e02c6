// `npm run demo` (test/scripts/demo.mjs, which runs `tether demo`): its key lines, in order, in
// bounded time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from './helpers';

describe('the demo', () => {
  it('shows the handshake, messages both ways, the outage, the reconnects and the queued messages arriving', async () => {
    requireBuild();
    const child = spawn(process.execPath, [join(ROOT, 'test', 'scripts', 'demo.mjs')], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = await once(child, 'exit');
    clearTimeout(timer);
    expect(code, out).toBe(0);
    const expected = [
      /listening on ws:\/\/127\.0\.0\.1:\d+\/chat/,
      /--> Sec-WebSocket-Key: \S+/,
      /<-- HTTP\/1\.1 101 Switching Protocols/,
      /expected (\S+)\n\s+received \1 +match/,
      /connected \(extensions: permessage-deflate/,
      /< welcome: /,
      /> say "hello, server"/,
      /\[server\] received \{"type":"say","text":"hello, server"\}/,
      /< echo #1: hello, server/,
      /\[server\] stopped/,
      /connection down: ERR_CONNECTION_LOST/,
      /reconnect attempt 1 in/,
      /reconnect attempt 2 in/,
      /> say "sent during the outage \(1\)" +\(queued: 1 waiting/,
      /\[server\] listening again/,
      /handshake again: new key \S+, Accept matches/,
      /reconnected/,
      /\[server\] received \{"type":"say","text":"sent during the outage \(1\)"\}/,
      /< echo #\d: sent during the outage \(2\)/,
      /closed: 1000 \(normal\) "demo done"/,
    ];
    let at = 0;
    for (const pattern of expected) {
      const match = pattern.exec(out.slice(at));
      expect(match, `${pattern} after position ${at} in:\n${out}`).not.toBeNull();
      at += match!.index + match![0].length;
    }
  });
});
