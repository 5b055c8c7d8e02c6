import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { describe, it } from 'vitest';

// The programs the interop suites talk to. In CI (`process.env.CI`) a missing one is a failure:
// setup.mjs installs them, so their absence means the machine is broken. Locally a suite whose peer
// is missing is skipped, with one line saying what to install.

export interface PeerProgram {
  readonly name: string;
  readonly available: boolean;
  /** What was checked, and what to install when it is missing. */
  readonly detail: string;
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
  return { name, available, detail };
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

/** Bound for starting or stopping a peer (certificates, nginx, Python): a guard, far above what it takes. */
export const SETUP_MS = 30_000;

/** Bound for one interop test: its waits are bounded by STEP_MS (10 s) each, most take milliseconds. */
export const TEST_MS = 30_000;

/**
 * A suite that needs `programs`: run when they are all there; skipped (each test listed) when one is
 * missing locally; in CI replaced by one failing test that names what is missing.
 */
export function describeWithPrograms(title: string, programs: readonly PeerProgram[], body: () => void): void {
  const missing = programs.filter((p) => !p.available);
  if (missing.length === 0) describe(title, { timeout: TEST_MS }, body);
  else if (!inCi) describe.skip(title, body);
  else {
    describe(title, () => {
      it(`has ${missing.map((p) => p.name).join(' and ')} installed`, () => {
        throw new Error(`interop: required in CI and missing: ${missing.map((p) => p.detail).join('; ')}`);
      });
    });
  }
}
