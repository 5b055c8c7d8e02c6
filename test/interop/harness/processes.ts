import { spawn, type ChildProcess } from 'node:child_process';
import { deferred, within } from './deadline';

// Child processes the suites start (peers, proxies), each stopped by its own PID: SIGTERM, then
// SIGKILL if it has not exited in time. A last-resort `exit` hook kills whatever is still running
// when the test worker ends, so a failed suite never leaves a process behind.

const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
});

/** Keeps the last `limit` characters of a stream, for failure messages. */
function tail(limit: number): { add(text: string): void; text(): string } {
  let kept = '';
  return {
    add(text) {
      kept = (kept + text).slice(-limit);
    },
    text: () => kept,
  };
}

export interface Started {
  readonly pid: number;
  readonly name: string;
  /** Resolves with the first output line (stdout or stderr) matching `pattern` (and its match), within `ms`. */
  line(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Calls `listener` with every complete output line (stdout or stderr) from now on. */
  onLine(listener: (line: string) => void): void;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last output of the process, for failure messages. */
  output(): string;
  /** Stops the process by its PID; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export function start(name: string, command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<Started> {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const out = tail(8_000);
  const exit = deferred<{ code: number | null; signal: NodeJS.Signals | null }>();
  const listeners: Array<(line: string) => void> = [];
  // Recent lines, so that `line()` also finds one printed before it was called.
  const history: string[] = [];
  const lines = (stream: NodeJS.ReadableStream): void => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      out.add(text);
      partial += text;
      let newline: number;
      while ((newline = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, newline).replace(/\r$/, '');
        partial = partial.slice(newline + 1);
        history.push(line);
        if (history.length > 500) history.shift();
        for (const listener of listeners) listener(line);
      }
    });
  };
  lines(child.stdout!);
  lines(child.stderr!);
  child.on('exit', (code, signal) => {
    running.delete(child);
    exit.resolve({ code, signal });
  });
  const spawned = deferred<Started>();
  child.once('error', (error) => {
    running.delete(child);
    spawned.reject(new Error(`could not start ${name} (${command}): ${error.message}`));
    exit.resolve({ code: null, signal: null });
  });
  child.once('spawn', () => {
    const pid = child.pid!;
    spawned.resolve({
      pid,
      name,
      exited: exit.promise,
      output: () => out.text(),
      onLine(listener) {
        listeners.push(listener);
      },
      line(pattern, ms = 10_000) {
        const found = deferred<RegExpExecArray>();
        for (const line of history) {
          const match = pattern.exec(line);
          if (match !== null) return Promise.resolve(match);
        }
        listeners.push((line) => {
          const match = pattern.exec(line);
          if (match !== null && !found.settled) found.resolve(match);
        });
        void exit.promise.then(({ code, signal }) => {
          if (!found.settled) found.reject(new Error(`${name} exited (${code ?? signal}) before printing ${pattern}:\n${out.text()}`));
        });
        return within(found.promise, ms, `${name} printing ${pattern}`);
      },
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          return;
        }
        try {
          await within(exit.promise, 5_000, `${name} (pid ${pid}) exiting after SIGTERM`);
        } catch {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Exited meanwhile.
          }
          await within(exit.promise, 5_000, `${name} (pid ${pid}) exiting after SIGKILL`);
        }
      },
    });
  });
  return spawned.promise;
}
