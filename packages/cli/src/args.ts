import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildHandshakeRequest, isToken, parseWebSocketUrl } from '@tether/protocol';
import { parseProxyUrl } from '@tether/node';
import { EXIT_CODE_HELP } from './exit-codes';

// The command line: node's own util.parseArgs, then checks that turn every mistake into one line
// of usage error (exit 2) before anything is attempted.

/** What the command line asked for, checked. */
export interface CliOptions {
  readonly command: 'connect' | 'demo' | 'help' | 'version';
  /** The WebSocket URL (`ws:`/`wss:`; `http(s):` and a bare `host:port` are accepted and mapped). */
  readonly url: string;
  /** Extra request headers, in order, repeats kept. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
  readonly deflate: boolean;
  readonly reconnect: boolean;
  /** Seconds between pings (client heartbeats); undefined: no pings. */
  readonly ping: number | undefined;
  /** PEM contents of `--ca`. */
  readonly ca: string | undefined;
  readonly insecure: boolean;
  readonly proxy: string | undefined;
  readonly execute: readonly string[];
  /** Seconds to wait for replies after the last message was sent (`-x`, or the end of piped input). */
  readonly wait: number;
  readonly verbose: boolean;
  /** Colours on a terminal unless NO_COLOR or --no-color. */
  readonly color: boolean | undefined;
}

/** A mistake on the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override get name(): string {
    return 'UsageError';
  }
}

/** Defaults of the command, in one place. */
export const DEFAULTS = {
  wait: 1,
} as const;

/** What `tether --help` prints: usage, every option, the prompt's commands, the exit codes. */
export const HELP = `Usage: tether [options] <url>
       tether demo

A WebSocket client for the terminal. On a terminal: a prompt; typed lines are sent, and messages
come in marked "<" (binary shown as hex). Otherwise (a pipe): each line of stdin is a message, each
message a line of stdout, and tether exits once stdin ends and the closing handshake is done.

Options:
  -H, --header 'Name: value'  add a request header (repeatable)
  -p, --protocol NAME         offer a subprotocol (repeatable, most preferred first)
      --origin URL            send an Origin header
      --no-deflate            do not offer permessage-deflate compression
      --reconnect             reconnect with backoff and jitter when the connection drops,
                              showing each attempt; messages sent meanwhile wait in a queue
      --ping SECONDS          ping the server after SECONDS of silence; no answer drops the
                              connection (exit 6, or a reconnect)
      --ca FILE               trust the CA certificate(s) in FILE (PEM) for wss:
  -k, --insecure              do not check the server's certificate (testing only)
      --proxy URL             go through an HTTP(S) proxy (default: HTTPS_PROXY, HTTP_PROXY,
                              NO_PROXY)
  -x, --execute MESSAGE       send MESSAGE once connected (repeatable), print the replies, then
                              close after --wait seconds
  -w, --wait SECONDS          how long to wait for replies after the last message sent with -x
                              or the end of piped input (default ${DEFAULTS.wait})
  -v, --verbose               show the opening handshake (the request and its key, the response,
                              the Sec-WebSocket-Accept expected and received) and every message,
                              ping, pong and close with its opcode, length and flags
      --no-color              no colours (also: NO_COLOR set)
  -h, --help                  this help
      --version               the version

Typed at the prompt: /ping [text], /close [code [reason]], /bin HEX (a binary message), /help,
/quit; start a message with // to send a line beginning with /. Ctrl+C or Ctrl+D closes.

Exit codes:
${EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`).join('\n')}

Examples:
  tether wss://echo.example.com
  tether -x '{"type":"ping"}' -w 2 ws://localhost:8080/api
  printf 'a\\nb\\n' | tether ws://localhost:8080 > replies.txt
  tether -v --reconnect -H 'Authorization: Bearer t0ken' ws://localhost:8080/feed
`;

function seconds(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (min > 0 && n === 0)) {
    throw new UsageError(`${name} takes a number of seconds${min > 0 ? ' above 0' : ''}, not '${value}'`);
  }
  return n;
}

function header(value: string): readonly [string, string] {
  const colon = value.indexOf(':');
  const name = colon < 0 ? '' : value.slice(0, colon).trim();
  if (!isToken(name)) throw new UsageError(`-H takes 'Name: value', not '${value}'`);
  return [name, value.slice(colon + 1).trim()];
}

/** `host:port/path` without a scheme means `ws://host:port/path`. */
function webSocketUrl(value: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `ws://${value}`;
  try {
    parseWebSocketUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return url;
}

/**
 * Parses and checks the arguments (without the node and script paths).
 * @throws UsageError for anything wrong, with a message meant for the user
 */
export function parseArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        protocol: { type: 'string', short: 'p', multiple: true },
        origin: { type: 'string' },
        'no-deflate': { type: 'boolean' },
        reconnect: { type: 'boolean' },
        ping: { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean', short: 'k' },
        proxy: { type: 'string' },
        execute: { type: 'string', short: 'x', multiple: true },
        wait: { type: 'string', short: 'w' },
        verbose: { type: 'boolean', short: 'v' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values: v, positionals } = parsed;
  const base = {
    url: '',
    headers: [],
    protocols: [],
    origin: undefined,
    deflate: true,
    reconnect: false,
    ping: undefined,
    ca: undefined,
    insecure: false,
    proxy: undefined,
    execute: [],
    wait: DEFAULTS.wait,
    verbose: v.verbose === true,
    color: v['no-color'] === true || (env['NO_COLOR'] ?? '') !== '' ? false : undefined,
  } satisfies Omit<CliOptions, 'command'>;
  if (v.help === true) return { ...base, command: 'help' };
  if (v.version === true) return { ...base, command: 'version' };
  if (positionals[0] === 'demo' && positionals.length === 1) return { ...base, command: 'demo' };
  if (positionals.length === 0) throw new UsageError('no URL given');
  if (positionals.length > 1) throw new UsageError(`one URL only, got ${positionals.length} arguments: ${positionals.join(' ')}`);

  const protocols = v.protocol ?? [];
  for (const p of protocols) if (!isToken(p)) throw new UsageError(`-p takes a token (letters, digits, !#$%&'*+-.^_\`|~), not '${p}'`);
  if (v.proxy !== undefined) {
    try {
      parseProxyUrl(v.proxy);
    } catch (error) {
      throw new UsageError(`--proxy: ${(error as Error).message}`);
    }
  }
  let ca: string | undefined;
  if (v.ca !== undefined) {
    try {
      ca = readFileSync(v.ca, 'utf8');
    } catch (error) {
      throw new UsageError(`--ca: cannot read ${v.ca} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const url = webSocketUrl(positionals[0]!);
  const headers = (v.header ?? []).map(header);
  try {
    // The checks the handshake itself makes: a header it sets, a value with CR/LF, a repeated protocol.
    buildHandshakeRequest(url, { headers, protocols, ...(v.origin === undefined ? {} : { origin: v.origin }) });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    ...base,
    command: 'connect',
    url,
    headers,
    protocols,
    origin: v.origin,
    deflate: v['no-deflate'] !== true,
    reconnect: v.reconnect === true,
    ping: seconds(v.ping, '--ping', 1e-3),
    ca,
    insecure: v.insecure === true,
    proxy: v.proxy,
    execute: v.execute ?? [],
    wait: seconds(v.wait, '--wait', 0) ?? DEFAULTS.wait,
  };
}
