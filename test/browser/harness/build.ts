import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const EXAMPLE = join(root, 'docs', 'examples', 'chat');
const CLIENT_BUILD = join(root, 'packages', 'client', 'dist', 'browser.mjs');

export interface BuiltExample {
  /** The folder holding index.html and assets/. */
  readonly dir: string;
  /** The text of every built JavaScript file. */
  readonly scripts: readonly string[];
}

/**
 * Builds the chat example with Vite into a fresh temporary folder, as a user's project would: it
 * imports @tether/client by name, which resolves through the `browser` condition to the
 * workspace's built dist/browser.mjs.
 */
export function buildExample(): BuiltExample {
  if (!existsSync(CLIENT_BUILD)) throw new Error(`${CLIENT_BUILD} is missing: build the workspace first (pnpm -r build)`);
  const vite = join(dirname(createRequire(join(EXAMPLE, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  const result = spawnSync(process.execPath, [vite, 'build', '--configLoader', 'runner', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`vite build of the chat example failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  const assets = join(dir, 'assets');
  const scripts = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'));
  return { dir, scripts };
}
