#!/usr/bin/env node
// The whole test suite: typecheck, build, then every vitest project (unit tests of each package and
// the cross-package suites under test/). Prints one closing line `N passed, N failed` over all of it
// and exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function step(name, command, args, count) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const counted = count ? count() : { passed: result.status === 0 ? 1 : 0, failed: result.status === 0 ? 0 : 1, skipped: 0 };
  // A step that failed without reporting a failed test (a crash, a file that did not load) still fails.
  if (result.status !== 0 && counted.failed === 0) counted.failed = 1;
  totals.passed += counted.passed;
  totals.failed += counted.failed;
  totals.skipped += counted.skipped;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  lines.push(`${name}: ${counted.passed} passed, ${counted.failed} failed, ${counted.skipped} skipped (${seconds}s)`);
  return result.status === 0;
}

function vitestCounts(file) {
  return () => {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      return {
        passed: report.numPassedTests,
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
      };
    } catch {
      return { passed: 0, failed: 1, skipped: 0 };
    }
  };
}

const built = step('typecheck', 'pnpm', ['-r', 'typecheck']) & step('build', 'pnpm', ['-r', 'build']);
const report = join(tmp, 'vitest.json');
rmSync(report, { force: true });
if (built) {
  step('tests', 'pnpm', ['exec', 'vitest', 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], vitestCounts(report));
} else {
  lines.push('tests: not run, the typecheck or the build failed');
  totals.failed += 1;
}

console.log('\n=== summary');
for (const line of lines) console.log(line);
const summary = `${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '');
writeFileSync(join(tmp, 'summary.txt'), `${summary}\n`);
console.log(summary);
process.exit(totals.failed === 0 ? 0 : 1);
