import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { startChatServer, type ChatServer } from '../../../docs/examples/chat/server/chat-server';
import { PING, type ClientMessage } from '../../../docs/examples/chat/src/protocol';

/** How long any one expected change on the page may take before the test fails. */
export const STEP_MS = 8_000;

/** One connection the server accepted. */
export interface SeenConnection {
  /** When it was accepted, ms since the epoch. */
  readonly at: number;
  readonly url: string;
  readonly ws: WebSocket;
  /** Its TCP socket, to stop reading it. */
  readonly socket: Socket;
  /** The close code and reason the server got, once closed. */
  closed?: { readonly code: number; readonly reason: string };
}

/** The example's chat server, with what it saw recorded for the assertions. */
export interface WatchedServer {
  readonly server: ChatServer;
  /** Every connection accepted, oldest first. */
  readonly connections: SeenConnection[];
  /** Every `say` message received, in the order it arrived. */
  readonly said: string[];
  /** Heartbeat probes received. */
  pings: number;
  /** Starts it again on the same port, stopping it first if it runs: the page keeps its URL. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWatchedServer(): Promise<WatchedServer> {
  const watch = (server: ChatServer) => {
    server.wss.on('connection', (ws, req: IncomingMessage) => {
      const seen: SeenConnection = { at: Date.now(), url: req.url ?? '', ws, socket: req.socket };
      watched.connections.push(seen);
      ws.on('close', (code, reason) => (seen.closed = { code, reason: reason.toString() }));
      ws.on('message', (raw, isBinary) => {
        if (isBinary) return;
        const text = raw.toString();
        if (text === PING) return void watched.pings++;
        const m = JSON.parse(text) as ClientMessage;
        if (m.type === 'say') watched.said.push(m.text);
      });
    });
    return server;
  };
  let server = await startChatServer();
  let running = true;
  const stop = async () => {
    if (running) await server.close();
    running = false;
  };
  const watched: WatchedServer = {
    get server() {
      return server;
    },
    connections: [],
    said: [],
    pings: 0,
    async restart() {
      await stop();
      server = watch(await startChatServer({ port: server.port }));
      running = true;
    },
    stop,
  };
  watch(server);
  return watched;
}

export interface PageOptions {
  readonly name: string;
  readonly heartbeat?: number;
  readonly heartbeatTimeout?: number;
  readonly maxDelay?: number;
}

/** Opens the built example against `server`, and waits until it says it is connected. */
export async function openChat(context: BrowserContext, origin: string, server: WatchedServer, options: PageOptions): Promise<Page> {
  const q = new URLSearchParams({ server: server.server.url });
  for (const [k, v] of Object.entries(options)) q.set(k, String(v));
  const page = await context.newPage();
  const problems: string[] = [];
  PROBLEMS.set(page, problems);
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (m) => void (m.type() === 'error' && !m.text().includes('WebSocket') && problems.push(m.text())));
  await page.goto(`${origin}?${q}`);
  await waitForState(page, 'open');
  return page;
}

const PROBLEMS = new WeakMap<Page, string[]>();

/** Uncaught errors and console errors of the page (the browser's own WebSocket failure lines excepted). */
export function pageProblems(page: Page): string[] {
  return PROBLEMS.get(page) ?? [];
}

export function waitForState(page: Page, state: string, timeout = STEP_MS): Promise<unknown> {
  return page.waitForFunction((s) => document.getElementById('status')?.dataset['state'] === s, state, { timeout, polling: 20 });
}

export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#composer input', text);
  await page.press('#composer input', 'Enter');
}

/** The chat lines as `from: text`, oldest first. */
export function lines(page: Page): Promise<string[]> {
  return page.$$eval('#lines .line', (items) => items.map((li) => `${li.querySelector('.from')?.textContent}: ${li.querySelector('.text')?.textContent}`));
}

export function logLines(page: Page): Promise<string[]> {
  return page.$$eval('#log li .text', (items) => items.map((li) => li.textContent ?? ''));
}

export function statusText(page: Page): Promise<string> {
  return page.$eval('#status', (el) => el.textContent ?? '');
}

export function queuedBadge(page: Page): Promise<string> {
  return page.$eval('#queued', (el) => el.textContent ?? '');
}

/**
 * Records the `data-state` of the status line and every one it takes from now on, and each new
 * `data-retry-at` (one per wait the client starts: when it ends), into `window.__seen`.
 */
export async function recordStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const status = document.getElementById('status') as HTMLElement;
    const seen = { states: [status.dataset['state'] ?? ''], retryAts: [] as number[], lastRetryAt: status.dataset['retryAt'] ?? '' };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() => {
      const state = status.dataset['state'] ?? '';
      if (seen.states.at(-1) !== state) seen.states.push(state);
      const retryAt = status.dataset['retryAt'] ?? '';
      if (retryAt && retryAt !== seen.lastRetryAt) seen.retryAts.push(Number(retryAt));
      seen.lastRetryAt = retryAt;
    }).observe(status, { attributes: true });
  });
}

export interface Seen {
  readonly states: readonly string[];
  /** When each wait was to end, as the page showed it (ms since the epoch). */
  readonly retryAts: readonly number[];
}

export function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
}
