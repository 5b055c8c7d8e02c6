// Shared pieces of the `tether` end-to-end tests: the built command run as a real process, servers
// on 127.0.0.1 port 0 (a `ws` server, and a raw one that answers the handshake as told), polling for
// output instead of sleeping, and cleanup of everything a test started.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { WebSocketServer, type ServerOptions, type WebSocket as ServerSocket } from 'ws';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The built command, as `npm i -g @tether/cli` would install it. */
export const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.mjs');

const cleanups: Array<() => unknown> = [];

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Fails with a clear message when the command was not built (the test command builds first). */
export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm -r build\` first`);
}

/** Waits until `check()` holds, looking again every few milliseconds; fails after `ms`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Tether {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (killing the process and failing after `ms`). */
  exit(ms?: number): Promise<number>;
  /** Waits for `pattern` on stdout or stderr. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<void>;
}

/** Starts the built `tether` with `args`; stdin is a pipe (so: pipe mode unless -x). */
export function tether(args: readonly string[], env: Record<string, string> = {}): Tether {
  requireBuild();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number);
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit: async (ms = 15_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`tether ${args.join(' ')} did not exit within ${ms} ms\nstdout: ${out}\nstderr: ${err}`));
        }, ms);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    waitFor: (pattern, stream, ms) =>
      until(() => (stream === 'stdout' ? pattern.test(out) : stream === 'stderr' ? pattern.test(err) : pattern.test(out) || pattern.test(err)), `${pattern} in\n--- stdout\n${out}\n--- stderr\n${err}`, ms),
  };
}

/** Runs `tether` to the end with `input` piped in; bounded. */
export async function run(args: readonly string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const t = tether(args);
  t.child.stdin.end(input);
  const code = await t.exit();
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

export interface WsServer {
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly url: string;
  /** Every message received, text as strings, binary as `bin:<hex>`. */
  readonly received: string[];
  /** How each connection closed, as the server saw it. */
  readonly closes: Array<{ code: number; reason: string }>;
  /** Request headers of each handshake. */
  readonly requests: Array<Record<string, string | string[] | undefined>>;
  /** Drops every connection without a close frame and stops listening (the port is free again). */
  stop(): Promise<void>;
}

/** A `ws` server on 127.0.0.1 (port 0 unless given) that records what it gets and runs `onConnection`. */
export async function wsServer(onConnection?: (socket: ServerSocket) => void, options: ServerOptions = {}, port = 0): Promise<WsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, ...options });
  await once(wss, 'listening');
  const received: string[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const requests: WsServer['requests'] = [];
  wss.on('connection', (socket, req) => {
    requests.push(req.headers);
    socket.on('message', (data, isBinary) => received.push(isBinary ? `bin:${Buffer.from(data as Buffer).toString('hex')}` : String(data)));
    socket.on('close', (code, reason) => closes.push({ code, reason: String(reason) }));
    onConnection?.(socket);
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  onCleanup(stop);
  const actual = (wss.address() as net.AddressInfo).port;
  return { wss, port: actual, url: `ws://127.0.0.1:${actual}/`, received, closes, requests, stop };
}

/** An echo server: each message comes back as it came. */
export function echoServer(): Promise<WsServer> {
  return wsServer((socket) => socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary })));
}

/**
 * A raw TCP server that reads the Upgrade request and hands the socket and the request's key to
 * `respond`, which writes whatever answer the test needs (a refusal, a bad Accept, bad frames).
 */
export async function rawServer(respond: (socket: net.Socket, key: string) => void): Promise<{ url: string }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      respond(socket, /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '');
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/` };
}

/** RFC 6455 §4.2.2: the Accept value for a key. */
export function accept(key: string): string {
  return createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}

/** A 101 answer with the right Accept value. */
export function switching(key: string, acceptValue = accept(key)): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptValue}\r\n\r\n`;
}

/** An unmasked server frame: FIN set, the given opcode, a short payload. */
export function frame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

/** A free port on 127.0.0.1 (listened on, then closed): nothing is listening there now. */
export async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
