// The packages as a user gets them: packed with pnpm (workspace: versions and publishConfig
// applied), linted by publint --strict and attw, installed from the tarballs into a scratch project
// outside the workspace, then loaded from Node ESM and CJS, type-checked with TypeScript's node16
// and bundler resolution, and bundled for the browser with rollup, esbuild and Vite.
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildBundle, nodeCodeIn, rollupBundle, viteBundle, type Bundle } from './bundlers';
import { packAndInstall, published, root, run, type Scratch } from './scratch';

const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const testBin = (name: string) => join(root, 'test', 'node_modules', '.bin', name);

interface Spec {
  /** Node ESM code proving the package works (top-level await allowed); `./server.cjs` serves one message. */
  esm: string;
  /** The same from CJS (run inside an async function). */
  cjs: string;
  /** A TypeScript module using the package's types. */
  types: string;
  /** The declarations need @types/node (the package is for Node). */
  nodeTypes?: boolean;
  /** Arguments for the package's bin, and a string its output must hold. */
  bin?: { name: string; args: string[]; prints: string };
}

/** Published packages under test, with code that proves each one loaded and works for real. */
const PACKAGES: Record<string, Spec> = {
  '@tether/protocol': {
    esm: "import { computeAccept } from '@tether/protocol'; if (computeAccept('dGhlIHNhbXBsZSBub25jZQ==') !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error('esm');",
    cjs: "const { computeAccept } = require('@tether/protocol'); if (computeAccept('dGhlIHNhbXBsZSBub25jZQ==') !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error('cjs');",
    types: "import { computeAccept, ClientConnection, type ConnectionEvent } from '@tether/protocol';\nexport const accept: string = computeAccept('k');\nexport type E = ConnectionEvent['type'];\nexport const C = ClientConnection;",
  },
  '@tether/node': {
    esm: "import { WebSocket } from '@tether/node'; import { serve } from './server.cjs';\nconst server = await serve('hi');\nconst ws = new WebSocket(server.url);\nconst data = await new Promise((ok, no) => { ws.onmessage = (e) => ok(e.data); ws.onerror = (e) => no(e.error ?? e); });\nif (data !== 'hi') throw new Error(`esm: ${data}`);",
    cjs: "const { WebSocket } = require('@tether/node'); const { serve } = require('./server.cjs');\nconst server = await serve('hi');\nconst ws = new WebSocket(server.url);\nconst data = await new Promise((ok, no) => { ws.onmessage = (e) => ok(e.data); ws.onerror = (e) => no(e.error ?? e); });\nif (data !== 'hi') throw new Error(`cjs: ${data}`);",
    types: "import { WebSocket, type WebSocketOptions, type MessageEvent } from '@tether/node';\nconst options: WebSocketOptions = {};\nexport const ws: WebSocket = new WebSocket('ws://localhost', [], options);\nexport const open: boolean = ws.readyState === WebSocket.OPEN;\nws.onmessage = (e: MessageEvent) => e.data;",
    nodeTypes: true,
  },
  '@tether/client': {
    esm: "import { createClient } from '@tether/client'; import { serve } from './server.cjs';\nconst server = await serve(JSON.stringify({ type: 'hello', n: 1 }));\nconst client = createClient({ url: server.url });\nconst m = await new Promise((ok) => client.on('hello', ok));\nif (m.n !== 1 || client.state !== 'open') throw new Error('esm');",
    cjs: "const { createClient } = require('@tether/client'); const { serve } = require('./server.cjs');\nconst server = await serve(JSON.stringify({ type: 'hello', n: 1 }));\nconst client = createClient({ url: server.url });\nconst m = await new Promise((ok) => client.on('hello', ok));\nif (m.n !== 1 || client.state !== 'open') throw new Error('cjs');",
    types: "import { createClient, type Client, type SendResult, TetherError } from '@tether/client';\ntype In = { type: 'hello'; n: number };\ntype Out = { type: 'say'; text: string };\nexport const client: Client<In, Out> = createClient<In, Out>({ url: 'ws://localhost', lazy: true });\nclient.on('hello', (m) => m.n.toFixed());\nclient.on('error', (e) => e instanceof TetherError && e.code);\nexport const sent: SendResult = client.send({ type: 'say', text: 'hi' });",
  },
  '@tether/cli': {
    esm: "import { parseArguments, HELP } from '@tether/cli'; if (typeof parseArguments !== 'function' || !HELP.includes('tether')) throw new Error('esm');",
    cjs: "const { parseArguments, HELP } = require('@tether/cli'); if (typeof parseArguments !== 'function' || !HELP.includes('tether')) throw new Error('cjs');",
    types: "import { parseArguments, HELP, type CliOptions } from '@tether/cli';\nexport const parse: typeof parseArguments = parseArguments;\nexport const help: string = HELP;\nexport type O = CliOptions;",
    nodeTypes: true,
    bin: { name: 'tether', args: ['--help'], prints: 'Usage: tether' },
  },
};

/** A WebSocket server for the smoke scripts: accepts one upgrade and sends one text message. */
const SERVER = `const { createServer } = require('node:http');
const { createHash } = require('node:crypto');
exports.serve = (text) => new Promise((resolve) => {
  const sockets = new Set();
  const server = createServer().on('upgrade', (req, socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
    const payload = Buffer.from(text);
    socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
  });
  server.listen(0, '127.0.0.1', () => resolve({ url: 'ws://127.0.0.1:' + server.address().port }));
});
`;

const names = [...published().keys()].filter((name) => name in PACKAGES);
let scratch: Scratch;
const tarballs = () => scratch.tarballs;

beforeAll(() => {
  scratch = packAndInstall(new Map(names.map((n) => [n, published().get(n)!])), { '@types/node': '^20.19.0' });
  writeFileSync(join(scratch.project, 'server.cjs'), SERVER);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch.work, { recursive: true, force: true });
});

it('covers every published package', () => {
  expect(names).toEqual([...published().keys()]);
  expect(names).toEqual(expect.arrayContaining(['@tether/protocol', '@tether/node', '@tether/client']));
});

const SLOW = 120_000;

describe.each(names)('%s as published', (name) => {
  const spec = PACKAGES[name]!;
  const slug = name.replace(/\W/g, '_');

  it('passes publint --strict', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const data = readFileSync(tarballs().get(name)!);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  }, SLOW);

  it('passes attw (every resolution mode)', () => {
    let output = '';
    let failed = false;
    try {
      output = run(testBin('attw'), [tarballs().get(name)!, '--format', 'ascii'], scratch.work);
    } catch (error) {
      failed = true;
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(failed, output).toBe(false);
  }, SLOW);

  it('ships dist and package.json, no sources or tests, and the conditions in the right order', () => {
    const files = run('tar', ['-tzf', tarballs().get(name)!], scratch.work).split('\n').filter(Boolean);
    expect(files.some((f) => f.endsWith('.test.ts') || f.includes('/src/'))).toBe(false);
    expect(files).toContain('package/package.json');
    expect(files.some((f) => f.startsWith('package/dist/') && f.endsWith('.mjs'))).toBe(true);
    const manifest = JSON.parse(run('tar', ['-xzOf', tarballs().get(name)!, 'package/package.json'], scratch.work));
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    expect(JSON.stringify(manifest.exports)).not.toContain('@tether/source');
    expect(manifest).toMatchObject({ type: 'module', sideEffects: false, engines: { node: '>=20' }, files: ['dist'] });
    expect(manifest.exports['./package.json']).toBe('./package.json');
    // Conditions are tried in order: the specific ones (browser, node) before import/require, and
    // default last; inside each branch, types first.
    const order = ['browser', 'node', 'import', 'require', 'default'];
    const keys = Object.keys(manifest.exports['.']);
    expect(keys).toEqual(order.filter((k) => keys.includes(k)));
    expect(keys).toEqual(expect.arrayContaining(['import', 'require', 'default']));
    const branches = (e: unknown): Array<Record<string, unknown>> =>
      typeof e === 'object' && e !== null ? [e as Record<string, unknown>, ...Object.values(e).flatMap(branches)] : [];
    for (const b of branches(manifest.exports['.']).filter((b) => 'types' in b)) expect(Object.keys(b)).toEqual(['types', 'default']);
  }, SLOW);

  it('loads and works from a Node ESM script and a Node CJS script', () => {
    const project = scratch.project;
    writeFileSync(join(project, `${slug}.mjs`), `${spec.esm}\nconsole.log('ok');\nprocess.exit(0);\n`);
    writeFileSync(join(project, `${slug}.cjs`), `(async () => {\n${spec.cjs}\n})().then(() => { console.log('ok'); process.exit(0); }, (e) => { console.error(e); process.exit(1); });\n`);
    expect(run('node', [`${slug}.mjs`], project).trim()).toBe('ok');
    expect(run('node', [`${slug}.cjs`], project).trim()).toBe('ok');
  }, SLOW);

  it.each(['node16', 'bundler'])('type-checks with moduleResolution %s', (resolution) => {
    const dir = join(scratch.project, `ts-${resolution}-${slug}`);
    mkdirSync(dir, { recursive: true });
    const module = resolution === 'node16' ? 'node16' : 'esnext';
    const types = spec.nodeTypes ? ['node'] : [];
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types }, include: ['*.ts', '*.mts', '*.cts'] }),
    );
    writeFileSync(join(dir, 'esm.mts'), spec.types);
    if (resolution === 'node16') writeFileSync(join(dir, 'cjs.cts'), spec.types);
    let output = '';
    try {
      output = run(bin('tsc'), ['-p', dir], dir);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
      throw new Error(output);
    }
    expect(output).toBe('');
  }, SLOW);

});

describe.each(names.filter((n) => PACKAGES[n]!.bin))('%s bin', (name) => {
  it('runs from the installed package', () => {
    const { name: command, args, prints } = PACKAGES[name]!.bin!;
    expect(run(join(scratch.project, 'node_modules', '.bin', command), args, scratch.project)).toContain(prints);
  }, SLOW);
});

describe('the ESM and CJS builds together', () => {
  it('agree on instanceof for errors made by either, and by the client', () => {
    const project = scratch.project;
    writeFileSync(
      join(project, 'dual.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "import * as esm from '@tether/protocol';",
        "import { createClient } from '@tether/client';",
        'const cjs = createRequire(import.meta.url)("@tether/protocol");',
        'if (esm.ProtocolError === cjs.ProtocolError) throw new Error("one copy only");',
        'const a = new cjs.ProtocolError("ERR_MASKED_FRAME", 1002, "x");',
        'const b = new esm.HandshakeError("ERR_ACCEPT_MISMATCH", "y");',
        'const client = createClient({ url: "ws://127.0.0.1:9", lazy: true });',
        'client.close();',
        'const c = client.send("x").error;',
        'console.log([a instanceof esm.ProtocolError, a instanceof esm.TetherError, b instanceof cjs.HandshakeError, a instanceof cjs.HandshakeError, c instanceof cjs.TetherError, c.code].join(","));',
      ].join('\n'),
    );
    expect(run('node', ['dual.mjs'], project).trim()).toBe('true,true,true,false,true,ERR_CLOSED');
  }, SLOW);
});

/** An app of the kind the size budget is about: typed routing, the queue, reconnection, heartbeats. */
const APP = `import { createClient } from '@tether/client';
const client = createClient({ url: 'wss://example.com/chat', heartbeat: { message: 'ping', isReply: (d) => d === 'pong' } });
client.on('chat', (m) => console.log(m.text));
client.send({ type: 'say', text: 'hi' });
`;

describe.each([
  ['rollup', rollupBundle],
  ['esbuild', esbuildBundle],
  ['Vite', viteBundle],
] as const)('@tether/client bundled for the browser by %s, from the tarball', (_, bundle) => {
  let out: Bundle;
  beforeAll(async () => {
    out = await bundle(scratch.project, APP);
  }, SLOW);

  it('took the browser build and the client for real', () => {
    expect(out.modules.some((m) => m.endsWith('node_modules/@tether/client/dist/browser.mjs'))).toBe(true);
    expect(out.modules.some((m) => m.includes('node_modules/eventemitter3/'))).toBe(true);
    expect(out.code).toContain('wss://example.com/chat');
  });

  it('holds no Node built-in and no ws code', () => {
    expect(nodeCodeIn(out)).toEqual([]);
    expect(out.modules.filter((m) => !/node_modules\/(@tether\/client|@tether\/protocol|eventemitter3)\//.test(m) && !m.includes('entry'))).toEqual([]);
  });
});

describe('@tether/protocol bundled with only computeAccept, from the tarball', () => {
  it('tree-shakes the rest of the protocol away', async () => {
    const out = await esbuildBundle(scratch.project, "import { computeAccept } from '@tether/protocol';\nconsole.log(computeAccept('dGhlIHNhbXBsZSBub25jZQ=='));\n");
    expect(out.modules.some((m) => m.includes('node_modules/@tether/protocol/dist/index.mjs'))).toBe(true);
    expect(out.code).toContain('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    for (const name of ['ClientConnection', 'FrameParser', 'HttpResponseParser', 'Utf8Validator', 'encodeFrame', 'ProtocolError', 'ERR_MASKED_FRAME', 'permessage-deflate']) {
      expect(out.code, name).not.toContain(name);
    }
    expect(nodeCodeIn(out)).toEqual([]);
  }, SLOW);
});
