// One rollup configuration for every published package: ESM (.mjs) and CJS (.cjs)
// per entry, and one bundled declaration file per entry and format (.d.mts, .d.cts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';

const builtins = /^node:|^(net|tls|zlib|crypto|http|https|stream|buffer|events|fs|os|path|url|util|child_process|readline|tty)$/;

/**
 * @param {string} dir the package folder (import.meta.dirname of its rollup.config.mjs)
 * @param {Record<string, string>} entries output name -> source file, e.g. { index: 'src/index.ts' }
 */
export function packageConfig(dir, entries = { index: 'src/index.ts' }) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  const external = (id) => builtins.test(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));
  const input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(dir, file)]));
  const outDir = join(dir, 'dist');
  return [
    {
      input,
      external,
      plugins: [esbuild({ target: 'es2022', tsconfig: join(dir, 'tsconfig.json') })],
      output: [
        { dir: outDir, format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
        { dir: outDir, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
      ],
    },
    ...['mts', 'cts'].map((ext) => ({
      input,
      external,
      plugins: [dts({ tsconfig: join(dir, 'tsconfig.json'), compilerOptions: { noEmit: false } })],
      output: { dir: outDir, format: 'es', entryFileNames: `[name].d.${ext}`, chunkFileNames: `[name]-[hash].d.${ext}` },
    })),
  ];
}
