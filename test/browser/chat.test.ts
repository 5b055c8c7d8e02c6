// The chat example (docs/examples/chat), built with Vite as a user's app would be, in Debian's
// headless Chromium against the example's `ws` chat server on loopback: typed messages both ways,
// the queue across a server restart, offline and online, and the app-level heartbeat.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, type BuiltExample } from './harness/build';
import {
  lines,
  logLines,
  openChat,
  pageProblems,
  queuedBadge,
  recordStatus,
  say,
  seen,
  startWatchedServer,
  statusText,
  STEP_MS,
  waitForState,
  type PageOptions,
  type WatchedServer,
} from './harness/chat-page';
import { browserSuiteEnabled, launchChromium, type Browser } from './harness/chromium';
import { serveStatic, type StaticServer } from './harness/static-server';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'browser');
const poll = { timeout: STEP_MS, interval: 20 };

describe.skipIf(!browserSuiteEnabled())('the chat example in Chromium', () => {
  let built: BuiltExample | undefined;
  let site: StaticServer | undefined;
  let browser: Browser | undefined;
  // What each test opened, closed after it whether it passed or not.
  let servers: WatchedServer[] = [];
  let pages: Page[] = [];

  beforeAll(async () => {
    built = buildExample();
    site = await serveStatic(built.dir);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterEach(async () => {
    const problems = pages.flatMap(pageProblems);
    await browser?.context.setOffline(false);
    await Promise.all(pages.map((p) => p.close()));
    await Promise.all(servers.map((s) => s.stop()));
    pages = [];
    servers = [];
    expect(problems, 'errors on the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (built) rmSync(built.dir, { recursive: true, force: true });
  });

  const server = async () => {
    const s = await startWatchedServer();
    servers.push(s);
    return s;
  };
  const open = async (s: WatchedServer, options: PageOptions) => {
    if (!browser || !site) throw new Error('the browser did not start');
    const page = await openChat(browser.context, site.origin, s, options);
    pages.push(page);
    return page;
  };

  it('bundles @tether/client for the browser: the native WebSocket, no Node built-ins', () => {
    const code = built?.scripts.join('\n') ?? '';
    expect(code).toContain('WebSocket');
    // Vite swaps a Node built-in for a stub named like this, and `node:` specifiers would stay as they are.
    expect(code).not.toMatch(/__vite-browser-external|["'`]node:[a-z]/);
    expect(code).not.toMatch(/["'`](net|tls|zlib|http|https|stream|crypto)["'`]/);
  });

  it('connects and exchanges typed messages between two pages', async () => {
    const s = await server();
    const alice = await open(s, { name: 'alice' });
    const bob = await open(s, { name: 'bob' });
    await expect.poll(() => alice.textContent('#people'), poll).toBe('Here: alice, bob');
    expect(await statusText(alice)).toBe('Connected as alice');
    expect(await queuedBadge(alice)).toBe('nothing queued');

    await say(alice, 'hello from alice');
    await say(bob, 'hi alice — ünïcödé and "quotes" <b>not bold</b>');
    const expected = ['alice: hello from alice', 'bob: hi alice — ünïcödé and "quotes" <b>not bold</b>'];
    await expect.poll(() => lines(alice), poll).toEqual(expected);
    await expect.poll(() => lines(bob), poll).toEqual(expected);
    // Sent as `{ type: 'say', text }`, sent at once while open (nothing was queued).
    expect(s.said).toEqual(['hello from alice', 'hi alice — ünïcödé and "quotes" <b>not bold</b>']);
    expect(await alice.$$eval('#lines b', (b) => b.length)).toBe(0);
    // The name travels in the URL of the attempt.
    expect(s.connections.map((c) => c.url)).toEqual(['/?name=alice', '/?name=bob']);

    await bob.close();
    await expect.poll(() => alice.textContent('#people'), poll).toBe('Here: alice');
    await alice.screenshot({ path: join(ARTIFACTS, 'chat-open.png'), fullPage: true });
  });

  it('queues what is sent while the server is down and delivers it in order once it is back', async () => {
    const s = await server();
    const page = await open(s, { name: 'carol', maxDelay: 1000 });
    await say(page, 'before the outage');
    await expect.poll(() => lines(page), poll).toEqual(['carol: before the outage']);
    await recordStatus(page);

    await s.stop();
    await waitForState(page, 'reconnecting');
    // The countdown: a wait of at most maxDelay before attempt n, counting down.
    await expect.poll(() => statusText(page), poll).toMatch(/^Reconnecting in [01]\.\d s \(attempt \d+\)$/);
    for (const text of ['one', 'two', 'three']) await say(page, text);
    await expect.poll(() => queuedBadge(page), poll).toBe('3 queued');
    expect(await page.$$eval('#outbox li', (li) => li.map((l) => l.textContent))).toEqual(['one', 'two', 'three']);
    expect(await page.textContent('#composer button')).toBe('Queue');
    // Attempts go on while it is down (refused at once), each one counted up.
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset['attempt']) >= 2, undefined, { timeout: STEP_MS });
    await page.screenshot({ path: join(ARTIFACTS, 'chat-reconnecting.png'), fullPage: true });

    await s.restart();
    await waitForState(page, 'open');
    // The countdown told the truth: the attempt that connected started when the last wait shown ended.
    const retryAt = (await seen(page)).retryAts.at(-1) ?? 0;
    expect(s.connections).toHaveLength(2);
    expect(s.connections[1]!.at).toBeGreaterThanOrEqual(retryAt - 20);
    expect(s.connections[1]!.at).toBeLessThan(retryAt + 1000);
    await expect.poll(() => s.said, poll).toEqual(['before the outage', 'one', 'two', 'three']);
    await expect.poll(() => lines(page), poll).toEqual(['carol: before the outage', 'carol: one', 'carol: two', 'carol: three']);
    expect(await queuedBadge(page)).toBe('nothing queued');
    expect(await page.isHidden('#outbox')).toBe(true);
    // The outage in the connection log: the drop, the attempts refused while it was down, the reconnection.
    const log = await logLines(page);
    expect(log.slice(0, 2)).toEqual(['connected', 'closed 1006']);
    expect(log.at(-1)).toBe('connected');
    expect(log.length).toBeGreaterThan(3);
    expect(new Set(log.slice(2, -1))).toEqual(new Set(['closed 1006 (ERR_CONNECTION_FAILED)']));
  });

  it('makes no attempt while offline, and one at once when back online', async () => {
    const s = await server();
    const page = await open(s, { name: 'dave', maxDelay: 400 });
    await recordStatus(page);

    await browser!.context.setOffline(true);
    await page.waitForFunction(() => document.getElementById('status')?.dataset['online'] === 'false', undefined, { timeout: STEP_MS });
    // Chromium's offline emulation leaves an open WebSocket open (and so does the client: it makes
    // no attempt while offline but does not give up a working connection), so drop it from the
    // server's side, as a network that is really gone would, sooner or later.
    for (const c of s.connections) c.socket.destroy();
    await waitForState(page, 'reconnecting');
    expect(await statusText(page)).toBe('Offline: waiting for the network');
    await page.screenshot({ path: join(ARTIFACTS, 'chat-offline.png'), fullPage: true });
    // Several waits end while offline (at most maxDelay each): none of them becomes an attempt.
    await expect.poll(async () => (await seen(page)).retryAts.length, poll).toBeGreaterThanOrEqual(4);
    expect((await seen(page)).states).toEqual(['open', 'reconnecting']);
    expect(s.connections).toHaveLength(1);
    // Waiting offline is not failing: the attempt number stays that of the first retry.
    expect(await page.$eval('#status', (el) => (el as HTMLElement).dataset['attempt'])).toBe('1');

    const back = Date.now();
    await browser!.context.setOffline(false);
    await waitForState(page, 'open');
    const resumed = Date.now() - back;
    expect(s.connections).toHaveLength(2);
    expect((await seen(page)).states).toEqual(['open', 'reconnecting', 'connecting', 'open']);
    expect(await logLines(page)).toEqual(['connected', 'offline: no attempt until the network is back', 'closed 1006', 'online', 'connected']);
    console.log(`browser: back online, connected again after ${resumed} ms`);
  });

  it('makes a waiting attempt at once when the page becomes visible again', async () => {
    const s = await server();
    const page = await open(s, { name: 'gil' });
    await s.stop();
    // Wait for a wait long enough to tell "at once" from "when the countdown ends" (backoff with
    // full jitter: each wait is random, and the caps grow 0.5, 1, 2, 4 s…).
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset['retryAt']) - Date.now() > 2500, undefined, {
      timeout: 15_000,
      polling: 20,
    });
    const retryAt = Number(await page.$eval('#status', (el) => (el as HTMLElement).dataset['retryAt']));
    await s.restart();
    // What the browser sends when a tab comes back to the front.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await waitForState(page, 'open');
    expect(s.connections).toHaveLength(2);
    expect(s.connections[1]!.at).toBeLessThan(retryAt - 1500);
  }, 30_000);

  it('tells a server that still listens but stopped answering why it is dropped: 4000 heartbeat timeout', async () => {
    const s = await server();
    const page = await open(s, { name: 'frank', heartbeat: 300, heartbeatTimeout: 300 });
    await expect.poll(() => s.pings, poll).toBeGreaterThanOrEqual(1);
    const first = s.connections[0]!;
    // The server goes on reading but sends nothing more on this connection: no pong, no presence.
    first.ws.send = (() => undefined) as WebSocket['send'];
    await expect.poll(() => first.closed, poll).toEqual({ code: 4000, reason: 'heartbeat timeout' });
    await waitForState(page, 'open');
    expect(s.connections).toHaveLength(2);
    expect(await logLines(page)).toEqual(['connected', 'closed 4000 heartbeat timeout (ERR_HEARTBEAT_TIMEOUT)', 'connected']);
  });

  it('finds a server that stops reading (half-open), and connects again', async () => {
    const s = await server();
    const interval = 300;
    const timeout = 300;
    const page = await open(s, { name: 'erin', heartbeat: interval, heartbeatTimeout: timeout });

    // While the server answers, a silent connection is probed and kept.
    await expect.poll(() => s.pings, poll).toBeGreaterThanOrEqual(3);
    expect(s.connections).toHaveLength(1);
    expect(await logLines(page)).toEqual(['connected']);

    // The server stops reading: no answer, no close, the TCP connection still up (half-open).
    const stoppedAt = Date.now();
    s.connections[0]!.socket.pause();
    await expect.poll(() => logLines(page), poll).toContain('closed 4000 heartbeat timeout (ERR_HEARTBEAT_TIMEOUT)');
    const found = Date.now() - stoppedAt;
    // No sign of life for interval + timeout after the last answer, which came before the stop: at
    // least `timeout` after it (less a round trip), at most interval + timeout, plus one more probe
    // and timeout if the page's timers ran more than a second late, plus slack for a loaded machine.
    expect(found).toBeGreaterThanOrEqual(timeout - 100);
    expect(found).toBeLessThan(interval + 2 * timeout + 2500);
    await waitForState(page, 'open');
    expect(s.connections).toHaveLength(2);
    console.log(`browser: a server that stopped answering was found after ${found} ms (heartbeat ${interval} + ${timeout} ms)`);
  });
});
