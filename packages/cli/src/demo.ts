import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createClient, type Client } from '@tether/client';
import type { WebSocket } from '@tether/node';
import { ExitCode } from './exit-codes';
import { describeCloseCode, describeDelay, describeHandshake, paint, wantsColor } from './format';
import type { Io } from './session';
import { watchedTransport } from './transport';

// `tether demo` (and `npm run demo`): an embedded `ws` server on loopback and a typed client over
// Tether's own WebSocket, in a few seconds: the handshake and its Accept check, typed messages both
// ways, the server going away and coming back, the reconnect attempts, and the messages sent during
// the outage arriving afterwards. Nothing leaves the machine.

/** What the demo server sends. */
type In = { type: 'welcome'; text: string } | { type: 'echo'; text: string; seq: number };
/** What the demo client sends. */
type Out = { type: 'say'; text: string };

/** Bounds every wait, so that a broken demo fails instead of hanging. */
const STEP_TIMEOUT = 10_000;

function eventually<T>(what: string, register: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo: timed out waiting for ${what}`)), STEP_TIMEOUT);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** The demo's server: a `ws` server that greets, echoes each `say` with a sequence number, and can be stopped and started again on the same port. */
class DemoServer {
  private wss: WebSocketServer | undefined;
  private seq = 0;
  port = 0;

  constructor(private readonly log: (text: string) => void) {}

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port, perMessageDeflate: true });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket: ServerSocket) => {
      socket.send(JSON.stringify({ type: 'welcome', text: 'hello from the demo server' }));
      socket.on('message', (data) => {
        const text = String(data);
        this.log(`received ${text}`);
        const said = JSON.parse(text) as Out;
        socket.send(JSON.stringify({ type: 'echo', text: said.text, seq: ++this.seq }));
      });
      socket.on('close', (code, reason) => this.log(`connection closed: ${describeCloseCode(code, String(reason))}`));
    });
  }

  /** Drops every connection without a close frame and stops listening, as a crashed server would. */
  async stop(): Promise<void> {
    const wss = this.wss;
    if (wss === undefined) return;
    this.wss = undefined;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

export async function runDemo(io: Io): Promise<ExitCode> {
  const p = paint(wantsColor(io.stdout, undefined, io.env));
  const started = performance.now();
  const line = (text = '') => io.stdout.write(`${text}\n`);
  const step = (title: string) => line(`\n${p.info(`== ${title}`)}`);
  const server = new DemoServer((text) => line(p.dim(`   [server] ${text}`)));
  let socket: WebSocket | undefined;
  let sockets = 0;

  line('Tether demo: an embedded WebSocket server on 127.0.0.1 (nothing leaves this machine), and a typed');
  line('@tether/client over @tether/node, Tether\'s own RFC 6455 implementation.');
  await server.start();
  const url = `ws://127.0.0.1:${server.port}/chat`;
  line(p.dim(`   [server] listening on ${url}`));

  const transport = watchedTransport(
    {},
    {
      created(ws) {
        socket = ws;
        const first = ++sockets === 1;
        ws.addEventListener('handshake', ({ handshake }) => {
          if (first) {
            describeHandshake(handshake, p).forEach((l) => line(`   ${l}`));
            return;
          }
          const ok = handshake.receivedAccept === handshake.expectedAccept;
          line(`   handshake again: new key ${handshake.key}, Accept ${ok ? p.good('matches') : p.bad('MISMATCH')} (${handshake.receivedAccept})`);
        });
      },
    },
  );
  const client: Client<In, Out> = createClient<In, Out>({
    url,
    transport,
    heartbeat: false,
    // Fast for the demo; the defaults start at 500 ms and grow to 30 s.
    reconnect: { initialDelay: 250, maxDelay: 1000, factor: 2, jitter: 'equal' },
  });
  client.on('welcome', (m) => line(p.incoming(`   < welcome: ${m.text}`)));
  client.on('echo', (m) => line(p.incoming(`   < echo #${m.seq}: ${m.text}`)));
  client.on('close', (e) => {
    const why = e.error ? `${e.error.code} (${e.error.message})` : describeCloseCode(e.code, e.reason);
    const text = `${e.wasClean ? 'closed' : 'connection down'}: ${why}${e.reconnect ? ', will reconnect' : ''}`;
    line(e.wasClean ? p.info(`   * ${text}`) : p.bad(`   * ${text}`));
  });
  let opens = 0;
  client.on('open', () => {
    const ext = socket?.extensions || 'none';
    line(p.info(++opens === 1 ? `   * connected (extensions: ${ext})` : '   * reconnected: the queued messages go out first, in the order they were sent'));
  });
  client.on('reconnecting', ({ attempt, delay }) => line(p.info(`   * reconnect attempt ${attempt} in ${describeDelay(delay)}`)));
  // A moment between steps for a reader watching a terminal; none when the output is captured.
  const pause = () => (io.stdout.isTTY === true ? new Promise((resolve) => setTimeout(resolve, 600)) : Promise.resolve());
  const say = (text: string) => {
    const result = client.send({ type: 'say', text });
    const note = result.status === 'queued' ? p.dim(`   (queued: ${client.queue.size} waiting for a connection)`) : '';
    line(p.outgoing(`   > say "${text}"`) + note);
  };
  const echoes = (n: number) => eventually<void>(`${n} echoes`, (resolve) => {
    let seen = 0;
    const count = () => ++seen === n && (client.off('echo', count), resolve());
    client.on('echo', count);
  });
  const opened = () => eventually<void>('the connection to open', (resolve) => client.once('open', () => resolve()));

  try {
    step('1. The opening handshake: an HTTP Upgrade, and the Accept value checked (RFC 6455 §4.1)');
    const welcome = eventually<void>('the welcome message', (resolve) => client.once('welcome', () => resolve()));
    await opened();
    await welcome;
    await pause();

    step('2. Typed messages, both ways (type In = welcome | echo, type Out = say)');
    const twoEchoes = echoes(2);
    say('hello, server');
    say('how are you?');
    await twoEchoes;
    await pause();

    step('3. The server goes away: every connection dropped, the port closed');
    const retrying = eventually<void>('the second reconnect attempt', (resolve) => {
      const check = ({ attempt }: { attempt: number }) => attempt >= 2 && (client.off('reconnecting', check), resolve());
      client.on('reconnecting', check);
    });
    await server.stop();
    line(p.dim('   [server] stopped'));
    await retrying;
    say('sent during the outage (1)');
    say('sent during the outage (2)');

    step('4. The server comes back on the same port; the client reconnects and the queue drains');
    const back = opened();
    const queued = echoes(2);
    await server.start();
    line(p.dim(`   [server] listening again on ${url}`));
    await back;
    await queued;
    await pause();

    step('5. Closing: the closing handshake, code 1000');
    await client.close(1000, 'demo done');
  } catch (error) {
    line(p.bad(`demo failed: ${(error as Error).message}`));
    await client.close().catch(() => {});
    await server.stop();
    return ExitCode.Internal;
  }
  await server.stop();
  line(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s. Next: node packages/cli/dist/bin.mjs --help, and docs/getting-started.md.`);
  return ExitCode.Ok;
}
