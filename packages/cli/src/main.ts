import { readFileSync } from 'node:fs';
import { HELP, parseArguments, UsageError } from './args';
import { ExitCode } from './exit-codes';
import { connect, type Io } from './session';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the `tether` command with `argv` (without the node and script paths) and resolves with
 * the exit code; nothing is thrown, nothing exits the process.
 */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  let options;
  try {
    options = parseArguments(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`tether: ${error.message}\nRun 'tether --help' for the options.\n`);
    return ExitCode.Usage;
  }
  switch (options.command) {
    case 'help':
      io.stdout.write(HELP);
      return ExitCode.Ok;
    case 'version':
      io.stdout.write(`${version()}\n`);
      return ExitCode.Ok;
    case 'demo': {
      const { runDemo } = await import('./demo');
      return runDemo(io);
    }
    case 'connect':
      return connect(options, io);
  }
}
