import { ErrorCode, HandshakeError, ProtocolError, type TetherError } from '@tether/protocol';

/**
 * What `tether` exits with: how the last connection ended. Listed in `tether --help` and
 * docs/cli.md; scripts may rely on them.
 */
export const ExitCode = {
  /** The connection closed with a closing handshake and code 1000, 1001 or none (1005). */
  Ok: 0,
  /** Something went wrong inside `tether` itself. */
  Internal: 1,
  /** Bad arguments: nothing was attempted. */
  Usage: 2,
  /** No connection: DNS, TCP, TLS or the proxy failed, or the handshake took too long. */
  ConnectFailed: 3,
  /** The server answered the Upgrade request, but not with an acceptable 101 (status, Accept, ...). */
  HandshakeFailed: 4,
  /** The server broke RFC 6455 after the handshake; `tether` closed with 1002, 1007 or 1009. */
  ProtocolError: 5,
  /** The connection dropped without a closing handshake, or stopped answering pings. */
  ConnectionLost: 6,
  /** The closing handshake completed, but with an error code (1002-1014, 3000-4999). */
  ClosedWithError: 7,
  /** Interrupted twice (Ctrl+C): `tether` gave up waiting for the closing handshake. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Exit codes as `tether --help` lists them. */
export const EXIT_CODE_HELP: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.Ok, 'closed cleanly (1000, 1001 or no code)'],
  [ExitCode.Internal, 'an internal error in tether'],
  [ExitCode.Usage, 'bad arguments'],
  [ExitCode.ConnectFailed, 'could not connect (DNS, TCP, TLS, proxy, timeout)'],
  [ExitCode.HandshakeFailed, 'the handshake failed (status not 101, bad Sec-WebSocket-Accept, ...)'],
  [ExitCode.ProtocolError, 'the server broke the protocol (tether sent close 1002, 1007 or 1009)'],
  [ExitCode.ConnectionLost, 'the connection dropped without a closing handshake'],
  [ExitCode.ClosedWithError, 'closed cleanly, but with an error code (the code is printed)'],
  [ExitCode.Interrupted, 'interrupted twice before the closing handshake finished'],
];

/** How one connection (or attempt) ended, as the client's `close` event reports it. */
export interface Ending {
  readonly code: number;
  readonly wasClean: boolean;
  readonly error?: TetherError | undefined;
}

const CONNECT_FAILURES: ReadonlySet<string> = new Set([
  ErrorCode.CONNECTION_FAILED,
  ErrorCode.TLS_FAILED,
  ErrorCode.PROXY_FAILED,
  ErrorCode.HANDSHAKE_TIMEOUT,
  ErrorCode.ABORTED,
]);

/**
 * The exit code for the way the last connection ended. `opened` says whether that connection
 * (not an earlier one) had opened: a drop before the 101 is a failure to connect.
 */
export function exitCodeFor(ending: Ending, opened: boolean): ExitCode {
  const { error } = ending;
  if (error instanceof ProtocolError) return ExitCode.ProtocolError;
  // A proxy's refusal is a HandshakeError too, but no WebSocket server was reached.
  if (error !== undefined && CONNECT_FAILURES.has(error.code)) return ExitCode.ConnectFailed;
  if (error instanceof HandshakeError || error?.code === ErrorCode.TOO_MANY_REDIRECTS || error?.code === ErrorCode.INVALID_URL) {
    return ExitCode.HandshakeFailed;
  }
  if (ending.wasClean) return ending.code === 1000 || ending.code === 1001 || ending.code === 1005 ? ExitCode.Ok : ExitCode.ClosedWithError;
  return opened ? ExitCode.ConnectionLost : ExitCode.ConnectFailed;
}
