// The packages as a user gets them: packed with pnpm (workspace: versions and publishConfig
// applied), linted by publint --strict and attw, installed from the tarballs into a scratch project
// outside the workspace, then loaded from Node ESM and CJS and type-checked with TypeScript's
// node16 and bundler resolution.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const testBin = (name: string) => join(root, 'test', 'node_modules', '.bin', name);

/** Published packages under test, with a line of code that proves each one loaded for real. */
const PACKAGES: Record<string, { dir: string; esm: string; cjs: string; types: string }> = {
  '@tether/protocol': {
    dir: 'packages/protocol',
    esm: "import { computeAccept } from '@tether/protocol'; if (computeAccept('dGhlIHNhbXBsZSBub25jZQ==') !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error('esm');",
    cjs: "const { computeAccept } = require('@tether/protocol'); if (computeAccept('dGhlIHNhbXBsZSBub25jZQ==') !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error('cjs');",
    types: "import { computeAccept, ClientConnection, type ConnectionEvent } from '@tether/protocol';\nexport const accept: string = computeAccept('k');\nexport type E = ConnectionEvent['type'];\nexport const C = ClientConnection;",
  },
};

let work: string;
const tarballs = new Map<string, string>();

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tether-pack-'));
  for (const [name, { dir }] of Object.entries(PACKAGES)) {
    const before = new Set(readdirSync(work));
    run('pnpm', ['pack', '--pack-destination', work], join(root, dir));
    const created = readdirSync(work).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!created) throw new Error(`pnpm pack made no tarball for ${name}`);
    tarballs.set(name, join(work, created));
  }
  const project = join(work, 'project');
  mkdirSync(project);
  const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: deps, overrides: deps }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(Object.keys(PACKAGES))('%s as published', (name) => {
  const spec = PACKAGES[name]!;

  it('passes publint --strict', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const data = readFileSync(tarballs.get(name)!);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  it('passes attw (every resolution mode)', () => {
    let output = '';
    let failed = false;
    try {
      output = run(testBin('attw'), [tarballs.get(name)!, '--format', 'ascii'], work);
    } catch (error) {
      failed = true;
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(failed, output).toBe(false);
  });

  it('ships dist, package.json and docs, and no sources or tests', () => {
    const files = run('tar', ['-tzf', tarballs.get(name)!], work).split('\n').filter(Boolean);
    expect(files.some((f) => f.endsWith('.test.ts') || f.includes('/src/'))).toBe(false);
    expect(files).toContain('package/package.json');
    expect(files.some((f) => f.startsWith('package/dist/') && f.endsWith('.mjs'))).toBe(true);
    const manifest = JSON.parse(run('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], work));
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    expect(JSON.stringify(manifest.exports)).not.toContain('@tether/source');
  });

  it('loads from a Node ESM script and a Node CJS script', () => {
    const project = join(work, 'project');
    const slug = name.replace(/\W/g, '_');
    writeFileSync(join(project, `${slug}.mjs`), `${spec.esm}\nconsole.log('ok');\n`);
    writeFileSync(join(project, `${slug}.cjs`), `${spec.cjs}\nconsole.log('ok');\n`);
    expect(run('node', [`${slug}.mjs`], project).trim()).toBe('ok');
    expect(run('node', [`${slug}.cjs`], project).trim()).toBe('ok');
  });

  it.each(['node16', 'bundler'])('type-checks with moduleResolution %s', (resolution) => {
    const dir = join(work, 'project', `ts-${resolution}-${name.replace(/\W/g, '_')}`);
    mkdirSync(dir, { recursive: true });
    const module = resolution === 'node16' ? 'node16' : 'esnext';
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, include: ['*.ts', '*.mts', '*.cts'] }),
    );
    writeFileSync(join(dir, 'esm.mts'), spec.types);
    if (resolution === 'node16') writeFileSync(join(dir, 'cjs.cts'), spec.types.replace(/^import \{/, 'import {'));
    let output = '';
    try {
      output = run(bin('tsc'), ['-p', dir], dir);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
      throw new Error(output);
    }
    expect(output).toBe('');
  });
});

describe('the ESM and CJS builds together', () => {
  it('agree on instanceof for errors made by either', () => {
    const project = join(work, 'project');
    writeFileSync(
      join(project, 'dual.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "import * as esm from '@tether/protocol';",
        'const cjs = createRequire(import.meta.url)("@tether/protocol");',
        'if (esm.ProtocolError === cjs.ProtocolError) throw new Error("one copy only");',
        'const a = new cjs.ProtocolError("ERR_MASKED_FRAME", 1002, "x");',
        'const b = new esm.HandshakeError("ERR_ACCEPT_MISMATCH", "y");',
        'console.log([a instanceof esm.ProtocolError, a instanceof esm.TetherError, b instanceof cjs.HandshakeError, a instanceof cjs.HandshakeError].join(","));',
      ].join('\n'),
    );
    expect(run('node', ['dual.mjs'], project).trim()).toBe('true,true,true,false');
  });
});
