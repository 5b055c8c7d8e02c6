import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

// The programs the interop suites talk to. In CI (`process.env.CI`) a missing one is a failure:
// setup.mjs installs them, so their absence means the machine is broken. Locally a suite whose peer
// is missing is skipped, with one line saying what to install.

export interface PeerProgram {
  readonly name: string;
  readonly available: boolean;
  /** What was checked, and what to install when it is missing. */
  readonly detail: string;
  /** True when the suite should be skipped: missing, and not in CI. */
  readonly skip: boolean;
  /** Throws when the program is missing: call in `beforeAll` so that every test of the suite fails. */
  ensure(): void;
}

export const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function program(name: string, available: boolean, detail: string): PeerProgram {
  if (!available && !inCi) console.warn(`interop: skipping the ${name} suite: ${detail}`);
  return {
    name,
    available,
    detail,
    skip: !available && !inCi,
    ensure() {
      if (!available) throw new Error(`interop: ${name} is required in CI and missing: ${detail}`);
    },
  };
}

/** A program at a fixed path (Debian's), e.g. /usr/sbin/nginx. */
export function binaryPeer(name: string, path: string, debianPackage: string): PeerProgram {
  return program(name, executable(path), `${path} not found (apt-get install ${debianPackage})`);
}

/** The system Python with its `websockets` module (Debian's python3-websockets). */
export const PYTHON = '/usr/bin/python3';

export function pythonWebsocketsPeer(): PeerProgram {
  const ok =
    executable(PYTHON) && spawnSync(PYTHON, ['-c', 'import websockets'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return program('python3-websockets', ok, `${PYTHON} -c 'import websockets' failed (apt-get install python3-websockets)`);
}
