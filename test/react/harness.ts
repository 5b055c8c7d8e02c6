// What the React browser tests need: the app bundled by esbuild, served from loopback, Debian's
// Chromium driven by playwright-core, and a `ws` server that counts connections per path.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type WebSocket, WebSocketServer } from 'ws';
import type { In, Out } from './messages';

export const CHROMIUM = '/usr/bin/chromium';
/** Locally the suite needs Debian's Chromium (the setup installs it as root); in CI it must run. */
export const enabled = (): boolean => existsSync(CHROMIUM) || process.env['CI'] === 'true';

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const closeHttp = (server: Server) => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
};

/** app.tsx bundled for the browser, with React's development build (StrictMode's double mount). */
export async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, 'app.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@tether/source'],
    define: { 'process.env.NODE_ENV': '"development"' },
    jsx: 'automatic',
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

export interface Site {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the page and the bundle on 127.0.0.1 (port 0). */
export async function serveApp(script: string): Promise<Site> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>');
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, close: () => closeHttp(server) };
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temporary folder, removed on close. */
export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tether-react-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page of the app; console errors and page errors (React's warnings among them) are collected. */
export async function openApp(context: BrowserContext, origin: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'app' in window);
  return { page, problems };
}

/** One path of the server: its connections, what they sent, and when each closed. */
export interface Endpoint {
  readonly opened: WebSocket[];
  readonly closedAt: number[];
  readonly received: Out[];
}

export interface CountingServer {
  /** `ws://127.0.0.1:port/path`. */
  url(path: string): string;
  at(path: string): Endpoint;
  /** Sends a message to every open connection of `path`. */
  send(path: string, message: In): void;
  close(): Promise<void>;
}

/** A `ws` server on 127.0.0.1 (port 0) that counts connections per path and answers `user` requests. */
export async function startCountingServer(): Promise<CountingServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const paths = new Map<string, Endpoint>();
  const at = (path: string): Endpoint => {
    let e = paths.get(path);
    if (!e) paths.set(path, (e = { opened: [], closedAt: [], received: [] }));
    return e;
  };
  wss.on('connection', (ws, req) => {
    const e = at(req.url ?? '/');
    e.opened.push(ws);
    ws.on('close', () => e.closedAt.push(Date.now()));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Out;
      e.received.push(m);
      if (m.type === 'user') ws.send(JSON.stringify({ type: 'user', id: m.id, name: `user ${m.userId}` }));
    });
  });
  const port = await listen(http);
  return {
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    at,
    send: (path, message) => {
      for (const ws of at(path).opened) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeHttp(http);
    },
  };
}
