import net from 'node:net';
import { computeAccept } from '@tether/protocol';
import { deferred, within, type Deferred } from '../../interop/harness/deadline';
import { LOOPBACK } from '../../interop/harness/ports';
import { ServerDeflater, ServerInflater } from './deflate';
import { ClientFrameReader, OP, type ClientFrame } from './frames';

// A misbehaving WebSocket server on raw TCP (node:net): it reads the client's Upgrade request,
// answers it as the case says (a proper 101, a botched one, or nothing), then writes whatever bytes
// the case's script writes, and reads back every frame the client sends: the close code the client
// sent is read here, on the server side, never taken from the client's word.

export interface UpgradeRequest {
  readonly head: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly key: string;
}

/** The close frame the client sent: its code and reason, "empty" without a payload, "none" if none came. */
export type CloseSent = { readonly code: number; readonly reason: string } | 'empty' | 'none';

/** A complete data message from the client (fragments joined, inflated when it was compressed). */
export interface ClientMessage {
  readonly text: boolean;
  readonly data: Buffer;
  readonly compressed: boolean;
  readonly frames: number;
}

/** The permessage-deflate contexts the server uses, whatever the 101 told the client. */
export interface ServerDeflate {
  readonly serverWindowBits?: number;
  readonly serverNoContextTakeover?: boolean;
  readonly clientWindowBits?: number;
  readonly clientNoContextTakeover?: boolean;
}

/** Options of a 101 built by `respond`: header values to replace (null removes one), lines to add. */
export interface ResponseChanges {
  readonly statusLine?: string;
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly extra?: readonly string[];
}

/** The head of a 101 answer to `request`, proper unless `changes` botch it. */
export function respond(request: UpgradeRequest, changes: ResponseChanges = {}): string {
  const headers: Record<string, string | null> = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Accept': computeAccept(request.key),
    ...changes.headers,
  };
  let head = `${changes.statusLine ?? 'HTTP/1.1 101 Switching Protocols'}\r\n`;
  for (const [name, value] of Object.entries(headers)) if (value !== null) head += `${name}: ${value}\r\n`;
  for (const line of changes.extra ?? []) head += `${line}\r\n`;
  return `${head}\r\n`;
}

class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<Deferred<T>> = [];
  private ended: Error | undefined;

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(item);
    else this.items.push(item);
  }

  end(why: Error): void {
    this.ended ??= why;
    for (const waiter of this.waiters.splice(0)) waiter.reject(why);
  }

  take(ms: number, what: string): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.ended !== undefined) return Promise.reject(this.ended);
    const waiter = deferred<T>();
    this.waiters.push(waiter);
    return within(waiter.promise, ms, what);
  }
}

/** Generous bound for one scripted step. */
export const SCRIPT_STEP_MS = 5_000;

/** The server's side of one connection, as a script sees it. */
export class ServerSide {
  readonly request: UpgradeRequest;
  /** The first close frame the client sent. */
  closeSent: CloseSent = 'none';
  /** Problems with what the client sent: unmasked frames, frames after its close frame. */
  readonly violations: string[] = [];
  /** Resolves when the client has closed (or reset) the TCP connection. */
  readonly clientEnded: Promise<void>;
  private readonly socket: net.Socket;
  private readonly reader = new ClientFrameReader();
  private readonly data = new AsyncQueue<ClientFrame>();
  private readonly pongs = new AsyncQueue<Buffer>();
  private readonly closeFrame = deferred<CloseSent>();
  private readonly ended = deferred<void>();
  private deflater: ServerDeflater | undefined;
  private inflater: ServerInflater | undefined;
  private clientGone = false;
  private readonly maskKeys = new Set<string>();

  constructor(
    socket: net.Socket,
    request: UpgradeRequest,
    rest: Buffer,
    /** The CONNECT request, when the case plays a proxy first. */
    readonly connectRequest?: UpgradeRequest,
  ) {
    this.socket = socket;
    this.request = request;
    this.clientEnded = this.ended.promise;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const gone = (): void => {
      this.clientGone = true;
      const why = new Error(`the client closed the connection (its close frame: ${describeClose(this.closeSent)})`);
      this.data.end(why);
      this.pongs.end(why);
      if (!this.closeFrame.settled) this.closeFrame.reject(why);
      this.ended.resolve();
    };
    socket.once('end', gone);
    socket.once('close', gone);
    if (rest.length > 0) this.receive(rest);
  }

  get gone(): boolean {
    return this.clientGone;
  }

  private receive(chunk: Buffer): void {
    for (const f of this.reader.push(chunk)) {
      if (!f.masked) this.violations.push(`an unmasked frame (opcode ${f.opcode}) from the client`);
      // §5.3: a fresh, unpredictable key for each frame; a repeat among a few frames means it is not.
      else if (this.maskKeys.has(f.maskKey)) this.violations.push(`mask key ${f.maskKey} used twice`);
      else this.maskKeys.add(f.maskKey);
      if (this.closeSent !== 'none') this.violations.push(`a frame (opcode ${f.opcode}) after the client's close frame`);
      if (f.opcode === OP.close) {
        if (this.closeSent !== 'none') continue;
        this.closeSent = f.payload.length === 0 ? 'empty' : { code: f.payload.readUInt16BE(0), reason: f.payload.toString('utf8', 2) };
        this.closeFrame.resolve(this.closeSent);
        const why = new Error(`the client sent a close frame (${describeClose(this.closeSent)})`);
        this.data.end(why);
        this.pongs.end(why);
      } else if (f.opcode === OP.pong) this.pongs.push(f.payload);
      else if (f.opcode === OP.ping) this.violations.push('an unexpected ping from the client');
      else this.data.push(f);
    }
  }

  /** Writes the pieces as one chunk; resolves once handed to the OS. */
  write(...pieces: ReadonlyArray<Uint8Array | string>): Promise<void> {
    const chunk = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) {
        resolve();
        return;
      }
      this.socket.write(chunk, () => resolve());
    });
  }

  /** Writes each piece on its own, letting the event loop turn between them (separate reads, usually). */
  async writeEach(pieces: readonly Uint8Array[]): Promise<void> {
    for (const piece of pieces) {
      if (this.clientGone) return;
      await this.write(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The next data frame the client sent (text, binary or continuation). */
  frame(ms = SCRIPT_STEP_MS): Promise<ClientFrame> {
    return this.data.take(ms, 'a data frame from the client');
  }

  /** The next complete message, fragments joined and inflated if compressed. */
  async message(ms = SCRIPT_STEP_MS): Promise<ClientMessage> {
    const first = await this.frame(ms);
    if (first.opcode !== OP.text && first.opcode !== OP.binary) throw new Error(`the client began a message with opcode ${first.opcode}`);
    const pieces = [first.payload];
    let frames = 1;
    let last = first;
    while (!last.fin) {
      last = await this.frame(ms);
      frames++;
      if (last.opcode !== OP.cont) throw new Error(`the client sent opcode ${last.opcode} inside a fragmented message`);
      if (last.rsv !== 0) throw new Error(`the client set RSV bits ${last.rsv} on a continuation frame`);
      pieces.push(last.payload);
    }
    const compressed = (first.rsv & 4) !== 0;
    if ((first.rsv & 3) !== 0) throw new Error(`the client set RSV bits ${first.rsv}`);
    let data: Buffer = Buffer.concat(pieces);
    if (compressed) {
      if (this.inflater === undefined) throw new Error('the client compressed a message without permessage-deflate');
      data = await this.inflater.inflate(data);
    }
    return { text: first.opcode === OP.text, data, compressed, frames };
  }

  /** Reads the next message and checks that it is the echo of `expected`. */
  async expectEcho(expected: Uint8Array | string, kind: 'text' | 'binary' = typeof expected === 'string' ? 'text' : 'binary'): Promise<ClientMessage> {
    const message = await this.message();
    const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : Buffer.from(expected);
    if (message.text !== (kind === 'text')) throw new Error(`the echo came back as ${message.text ? 'text' : 'binary'}, expected ${kind}`);
    if (!message.data.equals(want)) throw new Error(`the echo differs: ${message.data.length} bytes back, ${want.length} sent`);
    return message;
  }

  /** The payload of the next pong the client sent. */
  pong(ms = SCRIPT_STEP_MS): Promise<Buffer> {
    return this.pongs.take(ms, 'a pong from the client');
  }

  /** Waits for the client's close frame. */
  awaitClose(ms = SCRIPT_STEP_MS): Promise<CloseSent> {
    return within(this.closeFrame.promise, ms, "the client's close frame");
  }

  /** Sets the contexts used by `compress` and by `message` to inflate. */
  useDeflate(params: ServerDeflate): void {
    this.deflater = new ServerDeflater(params.serverWindowBits ?? 15, params.serverNoContextTakeover ?? false);
    this.inflater = new ServerInflater(params.clientWindowBits ?? 15, params.clientNoContextTakeover ?? false);
  }

  /** Compresses one message with the server's context (see `useDeflate`). */
  compress(data: string | Uint8Array): Promise<Buffer> {
    if (this.deflater === undefined) throw new Error('useDeflate() first');
    return this.deflater.compress(Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
  }

  /** The server's part of a normal close: a close frame, the client's answer, then TCP closed by us. */
  async closeNormally(code = 1000, reason = ''): Promise<void> {
    const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, 'utf8')]);
    await this.write(Buffer.concat([Buffer.from([0x88, payload.length]), payload]));
    await this.awaitClose();
    this.socket.end();
  }

  /** Ends the TCP connection from the server's side (FIN). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    this.deflater?.close();
    this.inflater?.close();
  }
}

export function describeClose(sent: CloseSent): string {
  if (sent === 'none') return 'none';
  if (sent === 'empty') return 'empty';
  return sent.reason === '' ? `${sent.code}` : `${sent.code} "${sent.reason}"`;
}

/** What the server does with a connection: answer the request (or not), then script the rest. */
export interface ServerBehaviour {
  /**
   * Act as an HTTP CONNECT proxy first: the answer to the CONNECT request (null: none). After a 2xx
   * the same connection carries the Upgrade request; otherwise only the script runs.
   */
  proxy?(connect: UpgradeRequest): string | null;
  /** The bytes answering the Upgrade request, or null to answer nothing. */
  answer(request: UpgradeRequest): string | Uint8Array | null;
  script(server: ServerSide): Promise<void>;
}

export interface ScriptedServer {
  readonly port: number;
  readonly url: string;
  /** The server side of the first connection, once its request was read. */
  readonly connection: Promise<ServerSide>;
  /** Settles when the script of the first connection has finished (rejects with its failure). */
  readonly scriptDone: Promise<void>;
  stop(): Promise<void>;
}

const MAX_REQUEST_HEAD = 64 * 1024;

function parseRequest(head: string): UpgradeRequest {
  const lines = head.split('\r\n');
  const path = lines[0]?.split(' ')[1] ?? '/';
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { head, path, headers, key: headers['sec-websocket-key'] ?? '' };
}

/** Reads one request head; null when the client closes (or sends too much) first. */
function readHead(socket: net.Socket, initial: Buffer): Promise<{ head: string; rest: Buffer } | null> {
  return new Promise((resolve) => {
    let buffered = initial;
    const done = (result: { head: string; rest: Buffer } | null): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(result);
    };
    const check = (): boolean => {
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0) done({ head: buffered.toString('latin1', 0, end), rest: buffered.subarray(end + 4) });
      else if (buffered.length > MAX_REQUEST_HEAD) done(null);
      return end >= 0;
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      check();
    };
    const onClose = (): void => done(null);
    if (check()) return;
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

function writeTo(socket: net.Socket, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve()));
}

/** Starts a server on a loopback port chosen by the OS that behaves as told for one connection. */
export async function startScriptedServer(behaviour: ServerBehaviour): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  const connection = deferred<ServerSide>();
  const scriptDone = deferred<void>();

  async function serve(socket: net.Socket): Promise<void> {
    let first = await readHead(socket, Buffer.alloc(0));
    if (first === null) return;
    let connect: UpgradeRequest | undefined;
    if (behaviour.proxy !== undefined) {
      // An HTTP proxy first: the CONNECT request, the proxy's answer, then (if 2xx) the tunnel.
      connect = parseRequest(first.head);
      const reply = behaviour.proxy(connect);
      if (reply !== null) await writeTo(socket, reply);
      if (reply === null || !/^HTTP\/1\.[01] 2\d\d/.test(reply)) {
        const side = new ServerSide(socket, connect, first.rest, connect);
        connection.resolve(side);
        await behaviour.script(side);
        return;
      }
      first = await readHead(socket, first.rest);
      if (first === null) return;
    }
    const request = parseRequest(first.head);
    const side = new ServerSide(socket, request, first.rest, connect);
    connection.resolve(side);
    const answer = behaviour.answer(request);
    if (answer !== null) await side.write(answer);
    await behaviour.script(side);
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {
      // Resets by a client failing the connection are expected; `clientEnded` covers them.
    });
    socket.once('close', () => sockets.delete(socket));
    if (connection.settled) {
      socket.destroy();
      return;
    }
    serve(socket).then(
      () => scriptDone.resolve(),
      (error: unknown) => scriptDone.reject(error),
    );
  });
  const listening = deferred<void>();
  server.once('error', (error) => listening.reject(error));
  server.listen(0, LOOPBACK, () => listening.resolve());
  await listening.promise;
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    url: `ws://${LOOPBACK}:${port}/conformance`,
    connection: connection.promise,
    scriptDone: scriptDone.promise,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      void connection.promise.then((side) => side.destroy());
    },
  };
}
