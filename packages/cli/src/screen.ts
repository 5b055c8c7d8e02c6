import readline from 'node:readline';
import type { RawData } from '@tether/client';
import { describeMessage, hex, type Paint } from './format';

// Where a session's output goes. On a terminal everything shares one screen with the prompt, each
// line printed above it; in a pipe, stdout carries only the messages (one per line) and everything
// about the connection goes to stderr, so that `tether url < in > out` gives clean output.

export interface Screen {
  /** An incoming message. */
  message(data: RawData): void;
  /** A line about the connection: connecting, connected, closed, reconnecting. */
  status(text: string): void;
  /** --verbose lines: the handshake, frames. */
  detail(lines: readonly string[]): void;
  /** Something that went wrong but does not end the session. */
  problem(text: string): void;
  /** The session is over: leave the terminal tidy. */
  end(): void;
}

type Out = NodeJS.WritableStream;

/** Pipe mode and -x: messages to stdout, the rest to stderr. */
export function pipeScreen(stdout: Out, stderr: Out, p: Paint): Screen {
  const err = (text: string) => stderr.write(`${text}\n`);
  return {
    message: (data) => stdout.write(`${typeof data === 'string' ? data : hex(data)}\n`),
    status: (text) => err(p.info(`* ${text}`)),
    detail: (lines) => lines.forEach((line) => err(p.dim('  ') + line)),
    problem: (text) => err(p.bad(`! ${text}`)),
    end: () => {},
  };
}

/** The interactive prompt: incoming messages marked `<`, what was typed stays marked `>`. */
export function terminalScreen(rl: readline.Interface, stdout: Out & { isTTY?: boolean }, p: Paint): Screen {
  let ended = false;
  const above = (text: string) => {
    if (ended) {
      stdout.write(`${text}\n`);
      return;
    }
    // Clear the prompt line, print, then draw the prompt again with whatever was being typed.
    readline.clearLine(stdout, 0);
    readline.cursorTo(stdout, 0);
    stdout.write(`${text}\n`);
    rl.prompt(true);
  };
  return {
    message: (data) => above(p.incoming(`< ${describeMessage(data)}`)),
    status: (text) => above(p.info(`* ${text}`)),
    detail: (lines) => lines.forEach((line) => above(p.dim('  ') + line)),
    problem: (text) => above(p.bad(`! ${text}`)),
    end: () => {
      if (ended) return;
      ended = true;
      readline.clearLine(stdout, 0);
      readline.cursorTo(stdout, 0);
    },
  };
}
