// The published packages as a user gets them: each packed with pnpm (workspace: versions and
// publishConfig applied), then all installed from their tarballs into one scratch project outside
// the workspace, with npm.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The published packages present in this checkout (the CLI once it exists), by name. */
export function published(): Map<string, string> {
  const dirs = ['packages/protocol', 'packages/node', 'packages/client', 'packages/cli'];
  return new Map(dirs.filter((d) => existsSync(join(root, d, 'package.json'))).map((d) => [`@tether/${d.split('/')[1]}`, d]));
}

export interface Scratch {
  /** The temporary folder holding the tarballs and the project. */
  work: string;
  /** The project the tarballs are installed in. */
  project: string;
  tarballs: Map<string, string>;
}

/**
 * Packs `packages` (name → folder) and installs them, with `extra` registry dependencies, into a
 * new project. `overrides` make the packages' dependencies on each other resolve to the tarballs.
 */
export function packAndInstall(packages: Map<string, string>, extra: Record<string, string> = {}): Scratch {
  const work = mkdtempSync(join(tmpdir(), 'tether-pack-'));
  const tarballs = new Map<string, string>();
  for (const [name, dir] of packages) {
    const before = new Set(readdirSync(work));
    run('pnpm', ['pack', '--pack-destination', work], join(root, dir));
    const created = readdirSync(work).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!created) throw new Error(`pnpm pack made no tarball for ${name}`);
    tarballs.set(name, join(work, created));
  }
  const project = join(work, 'project');
  mkdirSync(project);
  const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { ...deps, ...extra }, overrides: deps }, null, 2),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
  return { work, project, tarballs };
}
