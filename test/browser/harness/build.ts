import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const EXAMPLE = join(root, 'docs', 'examples', 'chat');
/** What the example imports from the workspace, built: it uses the packages as published. */
const BUILDS = [join(root, 'packages', 'client', 'dist', 'browser.mjs'), join(root, 'packages', 'react', 'dist', 'index.mjs')];

export interface BuiltExample {
  /** The folder holding index.html and assets/. */
  readonly dir: string;
  /** The text of every built JavaScript file. */
  readonly scripts: readonly string[];
}

/**
 * Builds the chat example with Vite into a fresh temporary folder, as a user's project would: it
 * imports @tether/react and @tether/client by name, the client resolving through the `browser`
 * condition to the workspace's built dist/browser.mjs.
 */
export function buildExample(): BuiltExample {
  for (const file of BUILDS) if (!existsSync(file)) throw new Error(`${file} is missing: build the workspace first (pnpm -r build)`);
  const vite = join(dirname(createRequire(join(EXAMPLE, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  const result = spawnSync(process.execPath, [vite, 'build', '--configLoader', 'runner', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    timeout: 60_000,
    // React's development build (vitest's NODE_ENV=test would give it too, by accident): its
    // warnings fail a test as page errors, and StrictMode mounts twice, so every count of
    // connections at the server also proves that the double mount opens one socket.
    env: { ...process.env, NODE_ENV: 'development', NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`vite build of the chat example failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  const assets = join(dir, 'assets');
  const scripts = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'));
  return { dir, scripts };
}
