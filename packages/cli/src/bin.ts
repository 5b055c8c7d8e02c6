import { ExitCode } from './exit-codes';
import { main } from './main';

// The `tether` executable. Everything is in main(); this file only binds it to the process.
main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process })
  .catch((error: unknown) => {
    process.stderr.write(`tether: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Internal;
  })
  .then((code) => {
    // Written output is flushed before exiting; a socket or stdin left open cannot hold the process.
    process.stdout.write('', () => process.exit(code));
  });
