// The interactive prompt, through a real pseudo-terminal: tmux runs the built command, send-keys
// types, capture-pane reads the screen. tmux is installed by test/scripts/setup.mjs; without it the
// suite fails in CI and is skipped locally with a line saying what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, echoServer, onCleanup, requireBuild, until, wsServer } from './helpers';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) {
  if (process.env['CI']) throw new Error('tmux is missing: test/scripts/setup.mjs installs it (apt-get install tmux)');
  console.warn('test/cli/terminal.test.ts skipped: install tmux (apt-get install tmux) to run it');
}

let sessions = 0;

/** `tether args` in a tmux session of its own (its own server socket, so tests can run in parallel). */
function terminal(args: readonly string[]) {
  requireBuild();
  const socket = `tether-test-${process.pid}-${++sessions}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The shell stays after tether exits so that the screen can still be read; the server is killed after the test.
  tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '40', '-e', 'NO_COLOR=1', `${quoted}; echo "EXIT=$?"; exec sleep 600`);
  onCleanup(() => spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' }));
  const screen = () => tmux('capture-pane', '-p', '-t', 'main', '-S', '-200');
  return {
    screen,
    type: (text: string) => tmux('send-keys', '-t', 'main', '-l', text),
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'main', ...keys),
    waitFor: (pattern: RegExp) => until(() => pattern.test(screen()), `${pattern} on the screen:\n${screen()}`),
  };
}

describe.skipIf(!hasTmux)('tether on a terminal', () => {
  it('gives a prompt: typed lines go out marked ">", messages come in marked "<", binary as hex', async () => {
    const server = await wsServer((socket) => socket.on('message', (data) => {
      socket.send(`echo: ${String(data)}`);
      socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    }));
    const t = terminal([server.url]);
    await t.waitFor(/connected \(Ctrl\+C or Ctrl\+D to close/);
    t.type('hello from the keyboard');
    t.keys('Enter');
    await t.waitFor(/^< \[binary, 4 bytes\] de ad be ef$/m);
    const screen = t.screen();
    expect(screen).toMatch(/^> hello from the keyboard$/m);
    expect(screen).toMatch(/^< echo: hello from the keyboard$/m);
    expect(server.received).toEqual(['hello from the keyboard']);
    // Ctrl+D closes with the closing handshake, and the exit code is 0.
    t.keys('C-d');
    await t.waitFor(/EXIT=0/);
    expect(t.screen()).toMatch(/closed 1000 \(normal\)/);
  });

  it('keeps what is being typed when a message arrives, and knows its commands', async () => {
    const server = await echoServer();
    const t = terminal(['-v', server.url]);
    await t.waitFor(/connected/);
    t.type('/bin 01 02 ff');
    t.keys('Enter');
    await t.waitFor(/^< \[binary, 3 bytes\] 01 02 ff$/m);
    expect(server.received).toEqual(['bin:0102ff']);
    t.type('//slash');
    t.keys('Enter');
    await t.waitFor(/^< \/slash$/m);
    t.type('/ping');
    t.keys('Enter');
    await t.waitFor(/<-- pong +opcode=0xa/);
    // A message arriving while a line is half typed: the line is drawn again below it.
    t.type('half typ');
    server.wss.clients.forEach((c) => c.send('pushed'));
    await t.waitFor(/^< pushed\n> half typ/m);
    t.keys('C-u');
    t.type('/close 4001 done here');
    t.keys('Enter');
    await t.waitFor(/EXIT=7/);
    expect(t.screen()).toMatch(/closed 4001 "done here"/);
  });

  it('Ctrl+C closes cleanly', async () => {
    const server = await echoServer();
    const t = terminal([server.url]);
    await t.waitFor(/connected/);
    t.keys('C-c');
    await t.waitFor(/EXIT=0/);
    await until(() => server.closes.length === 1, 'the server to see the close');
    expect(server.closes[0]!.code).toBe(1000);
  });
});
