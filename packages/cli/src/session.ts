import readline from 'node:readline';
import { createClient, type CloseEvent, type RawData } from '@tether/client';
import type { WebSocket } from '@tether/node';
import { ProtocolError, TetherError } from '@tether/protocol';
import type { CliOptions } from './args';
import { type Ending, ExitCode, exitCodeFor } from './exit-codes';
import { describeCloseCode, describeDelay, describeHandshake, describeWireFrame, paint, parseHex, wantsColor } from './format';
import { pipeScreen, type Screen, terminalScreen } from './screen';
import { nodeOptions, watchedTransport, type SocketWatcher } from './transport';

// One run of `tether <url>`: a client from @tether/client over @tether/node's WebSocket, fed from
// the prompt, from piped stdin or from -x, until the connection is over. Resolves with the exit code.

/** The process's streams, injectable so that tests and the demo can run a session in-process. */
export interface Io {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGINT is heard outside the prompt (the process). */
  readonly signals?: NodeJS.EventEmitter;
}

/** `interactive` on a terminal, `pipe` when stdin is not one, `execute` with -x. */
export type Mode = 'interactive' | 'pipe' | 'execute';

export function modeOf(o: CliOptions, io: Io): Mode {
  if (o.execute.length > 0) return 'execute';
  return io.stdin.isTTY === true ? 'interactive' : 'pipe';
}

/** Above this many bytes waiting in the socket, piped input is paused until `drain`. */
const HIGH_WATER = 1024 * 1024;

const PROMPT_HELP = [
  '/ping [text]            send a ping (the pong shows with --verbose)',
  '/close [code [reason]]  close with a code (1000 or 3000-4999) and reason',
  '/bin HEX                send a binary message, e.g. /bin 01 02 ff',
  '/quit                   close and quit (also Ctrl+C, Ctrl+D)',
  '//text                  send "/text"',
];

/** How a connection's end reads on screen. */
export function describeEnding(e: CloseEvent, opened: boolean): string {
  const again = e.reconnect ? '; will reconnect' : '';
  if (e.error !== undefined) {
    const what = opened ? 'connection lost' : 'connection failed';
    // A protocol error: tether sent this code to the server; the close event itself says 1006.
    const sent = e.error instanceof ProtocolError ? `sent close ${describeCloseCode(e.error.closeCode, '')}, ` : '';
    return `${what}: ${e.error.code} ${e.error.message} [${sent}close ${describeCloseCode(e.code, e.reason)}]${again}`;
  }
  if (e.wasClean) return `closed ${describeCloseCode(e.code, e.reason)}${again}`;
  return `${opened ? 'connection lost' : 'connection failed'} [close ${describeCloseCode(e.code, e.reason)}]${again}`;
}

/**
 * Runs one `tether <url>` session: connects, then feeds the prompt, piped stdin or the -x messages
 * to the connection until it is over. Resolves with the exit code; never throws, never exits.
 */
export function connect(o: CliOptions, io: Io): Promise<ExitCode> {
  const mode = modeOf(o, io);
  const p = paint(wantsColor(mode === 'interactive' ? io.stdout : io.stderr, o.color, io.env));
  const rl =
    mode === 'interactive'
      ? readline.createInterface({ input: io.stdin, output: io.stdout, terminal: true, prompt: p.outgoing('> ') })
      : mode === 'pipe'
        ? readline.createInterface({ input: io.stdin, terminal: false, crlfDelay: Infinity })
        : undefined;
  const screen: Screen = mode === 'interactive' ? terminalScreen(rl!, io.stdout, p) : pipeScreen(io.stdout, io.stderr, p);

  let socket: WebSocket | undefined;
  /** Whether the connection that ended last had opened. */
  let opened = false;
  let ending: Ending | undefined;
  let endingOpened = false;
  let finished = false;
  let interrupted = false;
  let timer: NodeJS.Timeout | undefined;
  let inputClosed = false;
  rl?.on('close', () => (inputClosed = true));
  let resolveExit: (code: ExitCode) => void = () => {};
  const exit = new Promise<ExitCode>((resolve) => (resolveExit = resolve));

  const verbose = (lines: readonly string[]) => o.verbose && screen.detail(lines);
  const watcher: SocketWatcher = {
    created(ws) {
      socket = ws;
      opened = false;
      if (o.verbose) ws.addEventListener('handshake', (e) => screen.detail(describeHandshake(e.handshake, p)));
    },
    frame(_ws, f) {
      verbose([(f.direction === 'in' ? p.incoming : p.outgoing)(describeWireFrame(f))]);
    },
  };

  const client = createClient<RawData, RawData>({
    url: o.url,
    protocols: o.protocols.length > 0 ? [...o.protocols] : undefined,
    transport: watchedTransport(nodeOptions(o), watcher),
    codec: { encode: (m) => m, decode: (d) => d },
    reconnect: o.reconnect ? {} : false,
    heartbeat: o.ping === undefined ? false : { interval: o.ping * 1000, timeout: Math.max(o.ping * 1000, 1000) },
    // Piped input is paused while the connection is down, so the queue holds little; never drop silently.
    queue: { maxCount: 100_000, maxBytes: 64 * 1024 * 1024, overflow: 'error' },
  });

  function finish(code?: ExitCode): void {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    io.signals?.off('SIGINT', interrupt);
    screen.end();
    rl?.close();
    if (mode === 'pipe') io.stdin.pause();
    resolveExit(code ?? (ending === undefined ? ExitCode.ConnectFailed : exitCodeFor(ending, endingOpened)));
  }

  /** Closes the connection (and stops reconnecting); the session ends once it is closed. */
  function stop(code = 1000, reason = ''): void {
    if (finished) return;
    clearTimeout(timer);
    let closing: Promise<void>;
    try {
      closing = client.close(code, reason);
    } catch (error) {
      screen.problem((error as Error).message);
      return;
    }
    void closing.then(() => finish());
  }

  function interrupt(): void {
    if (interrupted) {
      socket?.terminate();
      finish(ExitCode.Interrupted);
      return;
    }
    interrupted = true;
    if (client.state !== 'closed') screen.status('closing (Ctrl+C again to quit at once)');
    stop();
  }

  function send(data: RawData): void {
    const result = client.send(data);
    if (result.status === 'rejected') screen.problem(`not sent: ${result.error.code} ${result.error.message}`);
    else if (result.status === 'queued' && mode === 'interactive') screen.status('queued: it goes out once connected');
  }

  /** Pauses piped input while the connection is down or the socket is full, so memory stays flat. */
  function throttle(): void {
    if (rl === undefined || mode !== 'pipe') return;
    if (inputClosed) return;
    if (client.state !== 'open') {
      rl.pause();
      return;
    }
    const ws = socket;
    if (ws !== undefined && ws.bufferedAmount > HIGH_WATER) {
      rl.pause();
      ws.addEventListener('drain', () => !inputClosed && rl.resume(), { once: true });
    }
  }

  function typed(line: string): void {
    if (!line.startsWith('/') || line.startsWith('//')) {
      send(line.startsWith('//') ? line.slice(1) : line);
      return;
    }
    const [command = '', ...rest] = line.slice(1).split(' ');
    const arg = rest.join(' ');
    switch (command) {
      case 'ping':
        if (socket?.readyState === 1) socket.ping(arg);
        else screen.problem('not connected');
        return;
      case 'close': {
        const [code, ...reason] = rest;
        stop(code === undefined || code === '' ? 1000 : Number(code), reason.join(' '));
        return;
      }
      case 'bin': {
        const bytes = parseHex(arg);
        if (bytes === undefined) screen.problem('/bin takes hex digits, e.g. /bin 01 02 ff');
        else send(bytes);
        return;
      }
      case 'quit':
      case 'exit':
        stop();
        return;
      case 'help':
        PROMPT_HELP.forEach((h) => screen.status(h));
        return;
      default:
        screen.problem(`unknown command /${command} (try /help; start with // to send a line beginning with /)`);
    }
  }

  client.on('state', (state) => {
    if (state === 'connecting') screen.status(`connecting to ${o.url}`);
    if (state === 'closed' && !finished) finish();
  });
  client.on('reconnecting', ({ attempt, delay }) => screen.status(`reconnecting in ${describeDelay(delay)} (attempt ${attempt})`));
  client.on('open', ({ protocol }) => {
    opened = true;
    const ext = socket?.extensions ?? '';
    const details = [protocol ? `subprotocol ${protocol}` : '', ext ? `extensions: ${ext}` : ''].filter(Boolean).join(', ');
    const hint = mode === 'interactive' ? ' (Ctrl+C or Ctrl+D to close, /help for commands)' : '';
    screen.status(`connected${details ? ` (${details})` : ''}${hint}`);
    if (!inputClosed) rl?.resume();
  });
  client.on('message', (data) => screen.message(data));
  client.on('close', (e) => {
    ending = e;
    endingOpened = opened;
    (e.error !== undefined || (!e.wasClean && !interrupted) ? screen.problem : screen.status)(describeEnding(e, opened));
  });
  client.on('error', (error) => {
    // Connection failures come with the close event; these are the others.
    if (error instanceof TetherError && (error.code === 'ERR_LISTENER_FAILED' || error.code === 'ERR_DECODE_FAILED')) screen.problem(`${error.code} ${error.message}`);
  });

  // The first attempt started inside createClient, before the listeners above.
  if (client.state === 'connecting') screen.status(`connecting to ${o.url}`);
  io.signals?.on('SIGINT', interrupt);
  if (mode === 'interactive') {
    rl!.on('line', (line) => {
      typed(line);
      if (!finished) rl!.prompt();
    });
    rl!.on('SIGINT', interrupt);
    rl!.on('close', () => !finished && stop());
    rl!.prompt();
  } else if (mode === 'pipe') {
    rl!.on('line', (line) => {
      send(line);
      throttle();
    });
    rl!.on('close', () => {
      if (finished) return;
      client.opened().then(
        () => {
          timer = setTimeout(stop, o.wait * 1000);
        },
        () => {}, // the client closed first: the state listener ends the session
      );
    });
    throttle();
  } else {
    for (const message of o.execute) send(message);
    client.once('open', () => {
      timer = setTimeout(stop, o.wait * 1000);
    });
  }
  return exit;
}
