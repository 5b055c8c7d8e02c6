// Pipe mode: stdin is not a terminal, so each line is a message and each message a line of stdout;
// the command exits once stdin ends and the closing handshake is done.
import { describe, expect, it } from 'vitest';
import { echoServer, run, tether, until, wsServer } from './helpers';

describe('tether in a pipe', () => {
  it('sends each line as a message and prints each message as a line, then closes cleanly', async () => {
    const server = await echoServer();
    const t = tether(['-w', '0', server.url]);
    t.child.stdin.write('first\nsecond line\n');
    await t.waitFor(/^first\nsecond line\n$/, 'stdout');
    t.child.stdin.write('third\n');
    await t.waitFor(/third\n$/, 'stdout');
    t.child.stdin.end();
    expect(await t.exit()).toBe(0);
    expect(t.stdout()).toBe('first\nsecond line\nthird\n');
    expect(server.received).toEqual(['first', 'second line', 'third']);
    // The command waited for the closing handshake: the server saw a clean 1000.
    await until(() => server.closes.length === 1, 'the server to see the close');
    expect(server.closes).toEqual([{ code: 1000, reason: '' }]);
    // Nothing about the connection pollutes stdout; it goes to stderr.
    expect(t.stderr()).toMatch(/connected/);
  });

  it('prints binary messages as one line of hex', async () => {
    const server = await wsServer((socket) => socket.send(Buffer.from([0x00, 0xff, 0x10, 0x0a]), { binary: true }));
    const t = tether(['-w', '0', server.url]);
    await t.waitFor(/00ff100a\n/, 'stdout');
    t.child.stdin.end();
    expect(await t.exit()).toBe(0);
    expect(t.stdout()).toBe('00ff100a\n');
  });

  it('sends lines that were piped before the connection opened, in order', async () => {
    const server = await echoServer();
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    const { code, stdout } = await run(['-w', '0.5', server.url], `${lines.join('\n')}\n`);
    expect(code).toBe(0);
    expect(server.received).toEqual(lines);
    // Replies arriving within --wait are printed.
    expect(stdout.split('\n').filter(Boolean)).toEqual(lines);
  });

  it('waits for the closing handshake even when stdin is empty', async () => {
    const server = await echoServer();
    const { code, stderr } = await run(['-w', '0', '-v', server.url], '');
    expect(code).toBe(0);
    // Our close frame with its 2-byte code, the server's echo, and the code on the closing line.
    expect(stderr).toMatch(/--> close +opcode=0x8 len=2 FIN MASK\n/);
    expect(stderr).toMatch(/<-- close +opcode=0x8 len=2 FIN\n/);
    expect(stderr).toMatch(/1000 \(normal\)/);
  });
});
