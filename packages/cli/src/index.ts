export { main } from './main';
export { parseArguments, HELP, UsageError, DEFAULTS } from './args';
export type { CliOptions } from './args';
export { ExitCode, exitCodeFor } from './exit-codes';
export type { Ending } from './exit-codes';
export { connect } from './session';
export type { Io, Mode } from './session';
