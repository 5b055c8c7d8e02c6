// Bundling an app that imports the packed packages, the way a user's web build does: rollup (with
// node-resolve in browser mode and commonjs), esbuild and Vite, each resolving from the scratch
// project where the tarballs are installed. Each returns the code and what went into it.
import { writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface Bundle {
  /** The output, not minified, so that names and strings can be looked for. */
  code: string;
  /** Modules that went in, relative to the project, with forward slashes. */
  modules: string[];
  /** Imports left unresolved (Node built-ins a bundler left out, packages it could not find). */
  external: string[];
  /** What the bundler warned about. */
  warnings: string[];
}

const relativeTo = (project: string) => (id: string) => relative(project, id.replace(/^\0/, '').split('?')[0]!).split(sep).join('/');

export async function esbuildBundle(project: string, source: string, minify = false): Promise<Bundle> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: source, resolveDir: project, sourcefile: 'entry.js' },
    absWorkingDir: project,
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return {
    code: result.outputFiles[0]!.text,
    modules: Object.keys(output.inputs),
    external: output.imports.filter((i) => i.external).map((i) => i.path),
    warnings: result.warnings.map((w) => w.text),
  };
}

export async function rollupBundle(project: string, source: string): Promise<Bundle> {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const commonjs = (await import('@rollup/plugin-commonjs')).default;
  const entry = join(project, 'rollup-entry.js');
  writeFileSync(entry, source);
  const warnings: string[] = [];
  const bundle = await rollup({
    input: entry,
    plugins: [nodeResolve({ browser: true, rootDir: project }), commonjs()],
    onwarn: (w) => void warnings.push(w.message),
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const chunk = output[0];
  return {
    code: chunk.code,
    modules: Object.keys(chunk.modules).filter((id) => !id.startsWith('\0')).map(relativeTo(project)),
    external: chunk.imports,
    warnings,
  };
}

export async function viteBundle(project: string, source: string): Promise<Bundle> {
  const { build } = await import('vite');
  const entry = join(project, 'vite-entry.js');
  writeFileSync(entry, source);
  const warnings: string[] = [];
  const modules = new Set<string>();
  const result = await build({
    root: project,
    configFile: false,
    logLevel: 'silent',
    customLogger: { info() {}, warn: (m) => void warnings.push(m), warnOnce: (m) => void warnings.push(m), error: (m) => void warnings.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'app' } },
    plugins: [{ name: 'record-modules', moduleParsed: (info) => void modules.add(info.id) }],
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Array<{ output: Array<{ type: string; code?: string; imports?: string[] }> }>;
  const chunks = outputs.flatMap((o) => o.output).filter((o) => o.type === 'chunk');
  return {
    code: chunks.map((c) => c.code ?? '').join('\n'),
    modules: [...modules].map(relativeTo(project)),
    external: chunks.flatMap((c) => c.imports ?? []),
    warnings,
  };
}

/** Node built-ins a browser build must not hold, and how each would show up in bundled code. */
export const NODE_ONLY = ['net', 'tls', 'zlib', 'crypto', 'http', 'stream', 'buffer'];

/** Where `bundle` holds Node code: a built-in or the `ws` package, as a module, an import or a require. */
export function nodeCodeIn(bundle: Bundle): string[] {
  const found: string[] = [];
  const names = [...NODE_ONLY, 'ws'];
  for (const m of bundle.modules) {
    if (/(^|\/)node_modules\/ws\//.test(m) || m.includes('@tether/node/')) found.push(`module ${m}`);
    if (m.includes('__vite-browser-external') || /^node:/.test(m)) found.push(`module ${m}`);
  }
  for (const e of bundle.external) found.push(`external ${e}`);
  for (const name of names) {
    const pattern = new RegExp(`(from\\s*|import\\s*\\(?\\s*|require\\s*\\(\\s*)["'](node:)?${name}["']`);
    if (pattern.test(bundle.code)) found.push(`import of ${name}`);
  }
  if (bundle.code.includes('__vite-browser-external')) found.push('a module Vite externalised for the browser');
  return found;
}
