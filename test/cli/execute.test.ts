// -x/--execute: send, print the replies, close after --wait seconds. And the options that shape the
// handshake: -H, -p, --origin, --no-deflate, --verbose.
import { describe, expect, it } from 'vitest';
import { echoServer, run, tether, until, wsServer } from './helpers';

describe('tether -x', () => {
  it('sends each message once connected, prints the replies, and closes after --wait', async () => {
    const server = await echoServer();
    const started = performance.now();
    const { code, stdout } = await run(['-x', 'one', '-x', '{"type":"two"}', '-w', '0.3', server.url]);
    expect(code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(stdout).toBe('one\n{"type":"two"}\n');
    expect(server.received).toEqual(['one', '{"type":"two"}']);
    await until(() => server.closes.length === 1, 'the close');
    expect(server.closes[0]!.code).toBe(1000);
  });

  it('ends at once when the server closes first, with the server\'s code', async () => {
    const server = await wsServer((socket) => socket.on('message', () => socket.close(1000, 'enough')));
    const t = tether(['-x', 'bye', '-w', '30', server.url]);
    expect(await t.exit(10_000)).toBe(0);
    expect(t.stderr()).toMatch(/closed 1000 \(normal\) "enough"/);
  });

  it('sends repeated -H headers, offers -p subprotocols in order, sends --origin, and --no-deflate offers nothing', async () => {
    const server = await wsServer(undefined, { handleProtocols: (protocols) => [...protocols].at(-1) ?? false });
    const { code, stderr } = await run(['-H', 'X-Token: a', '-H', 'X-Token: b', '-p', 'chat', '-p', 'v2.chat', '--origin', 'https://app.example', '--no-deflate', '-x', 'hi', '-w', '0', server.url]);
    expect(code).toBe(0);
    const headers = server.requests[0]!;
    expect(headers['x-token']).toBe('a, b');
    expect(headers['sec-websocket-protocol']).toBe('chat, v2.chat');
    expect(headers['origin']).toBe('https://app.example');
    expect(headers['sec-websocket-extensions']).toBeUndefined();
    expect(stderr).toMatch(/connected \(subprotocol v2\.chat\)/);
  });

  it('offers permessage-deflate by default and says when it was agreed', async () => {
    const server = await wsServer((socket) => socket.on('message', (d) => socket.send(String(d))), { perMessageDeflate: true });
    const big = 'x'.repeat(2000);
    const { code, stdout, stderr } = await run(['-v', '-x', big, '-w', '0.3', server.url]);
    expect(code).toBe(0);
    expect(server.requests[0]!['sec-websocket-extensions']).toMatch(/permessage-deflate/);
    expect(stderr).toMatch(/extensions: permessage-deflate/);
    // Large enough to be compressed: RSV1 is set on the frame, whose length is the compressed size.
    const sent = /--> text +opcode=0x1 len=(\d+) FIN RSV1 MASK/.exec(stderr);
    expect(sent).not.toBeNull();
    expect(Number(sent![1])).toBeLessThan(100);
    // The echo comes back compressed too, as the server's frame shows.
    expect(stderr).toMatch(/<-- text +opcode=0x1 len=\d+ FIN RSV1\n/);
    expect(stdout).toBe(`${big}\n`);
  });

  it('--verbose teaches the handshake: the request and its key, the response, the Accept expected and received', async () => {
    const server = await echoServer();
    const { code, stderr } = await run(['-v', '-x', 'hello', '-w', '0.2', server.url]);
    expect(code).toBe(0);
    const key = /--> Sec-WebSocket-Key: (\S+)/.exec(stderr)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(stderr).toMatch(/--> GET \/ HTTP\/1\.1/);
    expect(stderr).toMatch(/--> Upgrade: websocket/);
    expect(stderr).toMatch(/<-- HTTP\/1\.1 101 Switching Protocols/);
    const received = /<-- Sec-WebSocket-Accept: (\S+)/i.exec(stderr)?.[1];
    expect(stderr).toContain(`expected ${received}`);
    expect(stderr).toMatch(new RegExp(`received ${received!.replace(/[+/]/g, '\\$&')} +match`));
    // Then the frames: what went out (masked) and what came back.
    expect(stderr).toMatch(/--> text +opcode=0x1 len=5 FIN MASK/);
    expect(stderr).toMatch(/<-- text +opcode=0x1 len=5/);
  });

  it('--ping sends pings after silence and shows the pongs with --verbose', async () => {
    const server = await echoServer();
    const t = tether(['-v', '--ping', '0.1', server.url]);
    await t.waitFor(/<-- pong +opcode=0xa len=0/, 'stderr');
    expect(t.stderr()).toMatch(/--> ping +opcode=0x9 len=0 FIN MASK/);
    t.child.stdin.end();
    expect(await t.exit()).toBe(0);
  });
});
