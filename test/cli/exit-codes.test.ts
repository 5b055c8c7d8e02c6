// Each way a connection can end has its own exit code (tether --help and docs/cli.md list them).
import { describe, expect, it } from 'vitest';
import { closedPort, echoServer, frame, rawServer, run, switching, tether, wsServer } from './helpers';

describe('tether exit codes', () => {
  it('0: the server closed cleanly with 1000', async () => {
    const server = await wsServer((socket) => socket.close(1000, 'bye'));
    const { code, stderr } = await run(['-w', '0', server.url]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/closed 1000 \(normal\) "bye"/);
  });

  it('7: a clean close with an error code', async () => {
    const server = await wsServer((socket) => socket.close(1011, 'oops'));
    const { code, stderr } = await run([server.url]);
    expect(code).toBe(7);
    expect(stderr).toMatch(/closed 1011 \(internal error\) "oops"/);
  });

  it('2: bad arguments, before anything is attempted', async () => {
    const { code, stderr } = await run(['--ping', 'never', 'ws://127.0.0.1:1/']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tether: --ping takes a number of seconds/);
    expect(stderr).toMatch(/tether --help/);
  });

  it('3: nothing listens on the port', async () => {
    const port = await closedPort();
    const { code, stderr } = await run([`ws://127.0.0.1:${port}/`]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/connection failed: ERR_CONNECTION_FAILED .*ECONNREFUSED/);
  });

  it('4: the server refuses the handshake, and its status is shown', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Why: no token\r\n\r\n'));
    const { code, stderr } = await run(['-v', server.url]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/ERR_HANDSHAKE_STATUS/);
    expect(stderr).toMatch(/<-- HTTP\/1\.1 403/);
    expect(stderr).toMatch(/x-why: no token/i);
    expect(stderr).toMatch(/not 101/);
  });

  it('4: a wrong Sec-WebSocket-Accept, shown beside the expected one', async () => {
    const server = await rawServer((socket, key) => socket.write(switching(key, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')));
    const { code, stderr } = await run(['-v', server.url]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/ERR_ACCEPT_MISMATCH/);
    expect(stderr).toMatch(/received AAAAAAAAAAAAAAAAAAAAAAAAAAA= +MISMATCH/);
  });

  it('5: the server breaks the protocol (a reserved opcode); tether closes with 1002', async () => {
    let closeFrame: Buffer | undefined;
    const server = await rawServer((socket, key) => {
      socket.write(switching(key));
      socket.write(frame(0x3));
      socket.on('data', (chunk) => (closeFrame ??= chunk));
    });
    const { code, stderr } = await run([server.url]);
    expect(code).toBe(5);
    expect(stderr).toMatch(/ERR_INVALID_OPCODE/);
    expect(stderr).toMatch(/close 1002 \(protocol error\)/);
    // The close frame tether sent: FIN + opcode 8, masked, and the code 1002 under the mask.
    const f = closeFrame!;
    expect(f[0]).toBe(0x88);
    expect(f[1]! & 0x80).toBe(0x80);
    expect(((f[6]! ^ f[2]!) << 8) | (f[7]! ^ f[3]!)).toBe(1002);
  });

  it('6: the server drops the connection without a closing handshake', async () => {
    const server = await wsServer((socket) => socket.on('message', () => socket.terminate()));
    const t = tether([server.url]);
    t.child.stdin.write('drop me\n');
    expect(await t.exit()).toBe(6);
    expect(t.stderr()).toMatch(/connection lost: ERR_CONNECTION_LOST/);
    expect(t.stderr()).toMatch(/1006/);
  });

  it('6: --ping finds a server that stopped answering', async () => {
    // Answers the handshake, then reads and ignores everything: no pong ever comes.
    const server = await rawServer((socket, key) => {
      socket.write(switching(key));
      socket.on('data', () => {});
    });
    const t = tether(['--ping', '0.1', server.url]);
    expect(await t.exit()).toBe(6);
    expect(t.stderr()).toMatch(/ERR_HEARTBEAT_TIMEOUT/);
  });

  it('130: a second Ctrl+C while the server does not finish the closing handshake', async () => {
    const server = await rawServer((socket, key) => {
      socket.write(switching(key));
      socket.on('data', () => {});
    });
    const t = tether([server.url]);
    await t.waitFor(/connected/, 'stderr');
    t.child.kill('SIGINT');
    await t.waitFor(/closing \(Ctrl\+C again/, 'stderr');
    t.child.kill('SIGINT');
    expect(await t.exit()).toBe(130);
  });

  it('0: a first Ctrl+C closes cleanly', async () => {
    const server = await echoServer();
    const t = tether([server.url]);
    await t.waitFor(/connected/, 'stderr');
    t.child.kill('SIGINT');
    expect(await t.exit()).toBe(0);
    expect(t.stderr()).toMatch(/closed 1000/);
  });
});
