#!/usr/bin/env node
// Installs what the demo and the test suite need on a fresh machine with only Node 20 and npm:
// pnpm (the version pinned in package.json), the workspace's packages, and the Debian packages the
// interop and browser suites run against. Safe to run again: it installs only what is missing.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const args = new Set(process.argv.slice(2));

function run(command, options = {}) {
  console.log(`setup: ${command}`);
  execSync(command, { stdio: 'inherit', cwd: root, ...options });
}

function has(command) {
  return spawnSync('sh', ['-c', command], { stdio: 'ignore' }).status === 0;
}

// 1. pnpm at the pinned version (corepack's signature check fails on these machines).
const current = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
if (current.status !== 0 || current.stdout.trim() !== pinned) run(`npm install -g pnpm@${pinned}`);

// 2. Debian packages the suites talk to: only when missing, only as root (CI runs as root).
const systemPackages = [
  ['python3-websockets', "/usr/bin/python3 -c 'import websockets'"],
  ['nginx', 'test -x /usr/sbin/nginx'],
  ['tinyproxy', 'test -x /usr/bin/tinyproxy'],
  ['chromium', 'test -x /usr/bin/chromium'],
  // The interop suites make their CA and server certificate with the openssl CLI.
  ['openssl', 'test -x /usr/bin/openssl'],
  // The `tether` command's terminal tests drive its prompt through a tmux pseudo-terminal.
  ['tmux', 'command -v tmux'],
];
if (!args.has('--no-system')) {
  const missing = systemPackages.filter(([, check]) => !has(check)).map(([name]) => name);
  if (missing.length > 0) {
    if (process.getuid?.() === 0) {
      run('apt-get update -qq');
      run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`);
    } else {
      console.warn(`setup: missing Debian packages (${missing.join(', ')}); install them as root, or the suites that need them fail`);
    }
  }
}

// 3. The workspace, exactly as locked.
run('pnpm install --frozen-lockfile --prefer-offline');
if (!existsSync(join(root, 'node_modules', '.pnpm'))) throw new Error('setup: pnpm install left no node_modules');
