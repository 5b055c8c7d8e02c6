#!/usr/bin/env node
// Bundle sizes, all measured the same way in one run: esbuild bundle --minify --format=esm
// --platform=browser of one entry per library, then gzip level 9. Resolved from test/, so Tether's
// packages are their built dist/ (the browser build of the client). `node size/measure.mjs` (or
// `pnpm size`) prints the table and writes docs/size.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = import.meta.dirname;
const testDir = join(here, '..');
const require = createRequire(join(testDir, 'package.json'));

/** The client's budget in the browser, in bytes minified and gzipped (issue 5). */
export const BUDGET = 3500;

/**
 * What is measured. Tether's client is measured as an app gets it: `createClient` and all it
 * reaches (reconnection, queue, heartbeat, codecs, routing, request/response, eventemitter3).
 */
export const ENTRIES = [
  { name: '@tether/client', pkg: '@tether/client', what: '`createClient` (the whole client, eventemitter3 included)', source: "export { createClient } from '@tether/client';" },
  { name: '@tether/client (every export)', pkg: '@tether/client', what: '`export *`', source: "export * from '@tether/client';" },
  { name: '@tether/protocol (computeAccept)', pkg: '@tether/protocol', what: '`computeAccept` alone', source: "export { computeAccept } from '@tether/protocol';" },
  { name: 'eventemitter3', pkg: 'eventemitter3', what: 'default export', source: "export { default } from 'eventemitter3';" },
  { name: 'reconnecting-websocket', pkg: 'reconnecting-websocket', what: 'default export', source: "export { default } from 'reconnecting-websocket';" },
  { name: 'partysocket/ws', pkg: 'partysocket', what: 'default export (the reconnecting WebSocket)', source: "export { default } from 'partysocket/ws';" },
  { name: 'partysocket', pkg: 'partysocket', what: 'default export (PartySocket)', source: "export { default } from 'partysocket';" },
  { name: 'sockette', pkg: 'sockette', what: 'default export', source: "export { default } from 'sockette';" },
  { name: 'websocket-ts', pkg: 'websocket-ts', what: '`export *`', source: "export * from 'websocket-ts';" },
  { name: 'socket.io-client', pkg: 'socket.io-client', what: '`export *`', source: "export * from 'socket.io-client';" },
  // React bindings, with react and react-dom left out (peer dependencies an app has anyway).
  { name: '@tether/client + @tether/react', pkg: '@tether/react', what: '`createClient` and every export of `@tether/react` (react external)', source: "export { createClient } from '@tether/client'; export * from '@tether/react';", external: ['react', 'react-dom'] },
  { name: 'react-use-websocket', pkg: 'react-use-websocket', what: 'default export (react external)', source: "export { default } from 'react-use-websocket';", external: ['react', 'react-dom'] },
];

/** What `@tether/react` may add on top of the client, in bytes minified and gzipped (issue 9). */
export const REACT_BUDGET = 1000;

function versionOf(pkg) {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === pkg) return manifest.version;
    } catch {}
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}

/** Minified and gzipped bytes of one entry, and the modules that went in. */
export async function measure(source, external = []) {
  const result = await build({
    stdin: { contents: source, resolveDir: testDir, sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs: Object.keys(output.inputs) };
}

export async function measureAll() {
  const rows = [];
  for (const e of ENTRIES) rows.push({ ...e, version: versionOf(e.pkg), ...(await measure(e.source, e.external)) });
  return rows;
}

const kb = (n) => `${(n / 1000).toFixed(2)} KB`;

/** Bytes `@tether/react` adds to an app that already has the client. */
export function reactAdds(rows) {
  const both = rows.find((r) => r.name === '@tether/client + @tether/react');
  return both.gzip - rows[0].gzip;
}

export function markdown(rows) {
  const client = rows[0];
  return [
    '# Bundle sizes',
    '',
    'Produced by `pnpm size` (`test/size/measure.mjs`); do not edit by hand. Every row is measured the same',
    'way in the same run: `esbuild --bundle --minify --format=esm --platform=browser` of one entry, then',
    'gzip level 9 (1 KB = 1000 bytes). Tether is measured from its built packages (the browser build of',
    '`@tether/client`, resolved through the `browser` export condition).',
    '',
    '| library | version | entry | minified | min + gzip |',
    '| --- | --- | --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.version} | ${r.what} | ${kb(r.minified)} | ${kb(r.gzip)} |`),
    '',
    `Budget of \`@tether/client\` in the browser: ${kb(BUDGET)}. Now: ${kb(client.gzip)}, ${client.gzip <= BUDGET ? 'within the budget' : `**over the budget by ${kb(client.gzip - BUDGET)}**`}.`,
    '',
    `\`@tether/react\` adds ${kb(reactAdds(rows))} on top of the client (budget ${kb(REACT_BUDGET)}); \`react-use-websocket\` alone is ${kb(rows.find((r) => r.name === 'react-use-websocket').gzip)}.`,
    '',
  ].join('\n');
}

if (process.argv[1] === import.meta.filename) {
  const rows = await measureAll();
  console.table(rows.map((r) => ({ library: r.name, version: r.version, minified: r.minified, gzip: r.gzip })));
  const file = join(testDir, '..', 'docs', 'size.md');
  writeFileSync(file, markdown(rows));
  console.log(`wrote ${file}`);
}
