#!/usr/bin/env node
// `npm run demo` after setup and build: `tether demo` from the built @tether/cli (the demo itself is
// packages/cli/src/demo.ts): an embedded server on loopback, a typed client, the handshake, an
// outage, the reconnects and the queued messages arriving afterwards.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const result = spawnSync(process.execPath, [join(root, 'packages', 'cli', 'dist', 'bin.mjs'), 'demo'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
