// @tether/react in real headless Chromium (React 19, development build): real components rendered
// by react-dom/client against a `ws` server on loopback that counts connections per path.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MountOptions, Report } from './messages';
import { type Browser, bundleApp, type CountingServer, enabled, launch, openApp, serveApp, type Site, startCountingServer } from './harness';

const poll = { timeout: 5_000, interval: 20 };

describe.skipIf(!enabled())('@tether/react in Chromium', () => {
  let site: Site | undefined;
  let browser: Browser | undefined;
  let server: CountingServer | undefined;
  let page: Page;
  let problems: string[] = [];
  let n = 0;
  /** A path of its own for each test, so that counts never mix. */
  let path = '';

  beforeAll(async () => {
    server = await startCountingServer();
    site = await serveApp(await bundleApp());
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
  });

  const open = async () => {
    if (!browser || !site) throw new Error('the browser did not start');
    ({ page, problems } = await openApp(browser.context, site.origin));
    path = `/t${++n}`;
  };
  afterEach(async () => {
    // React reports misuse (a getSnapshot that is not cached, a setState in render…) as console errors.
    expect(problems).toEqual([]);
    await page?.close();
  });

  const url = () => server!.url(path);
  const at = () => server!.at(path);
  const mount = (name: string, o: Omit<MountOptions, 'url'>) => page.evaluate(([name, o]) => window.app.mount(name, o), [name, { ...o, url: url() }] as const);
  const update = (name: string, o: Omit<MountOptions, 'url'>) => page.evaluate(([name, o]) => window.app.update(name, o), [name, { ...o, url: url() }] as const);
  const hydrate = (name: string, o: Omit<MountOptions, 'url'>, html: string) =>
    page.evaluate(([name, o, html]) => window.app.hydrate(name, o, html), [name, { ...o, url: url() }, html] as const);
  const unmount = (name: string) => page.evaluate((name) => window.app.unmount(name), name);
  const text = (id: string) => page.evaluate((id) => window.app.text(id), id);
  const report = (): Promise<Report> => page.evaluate(() => window.app.report());
  const waitText = (id: string, value: string) => page.waitForFunction(([id, value]) => window.app.text(id) === value, [id, value] as const, { polling: 10 });

  it('many components and two providers of one endpoint share one socket', async () => {
    await open();
    await mount('a', { parts: ['state', 'chat-log'], states: 5, label: 'a' });
    await mount('b', { parts: ['state'], states: 3, label: 'b' });
    for (const id of ['a0', 'a4', 'b0', 'b2']) await waitText(`state-${id}`, 'open');
    expect(at().opened).toHaveLength(1);
    expect((await report()).clients).toBe(1);
    server!.send(path, { type: 'chat', text: 'hi' });
    await expect.poll(async () => (await report()).log, poll).toEqual(['a:hi']);
    expect(at().opened).toHaveLength(1);
  });

  it('StrictMode (mount, unmount, mount) opens exactly one socket and subscribes each handler once', async () => {
    await open();
    await mount('s', { strict: true, parts: ['state', 'chat-log', 'connection'] });
    await waitText('state-x0', 'open');
    server!.send(path, { type: 'chat', text: 'one' });
    server!.send(path, { type: 'chat', text: 'two' });
    await expect.poll(async () => (await report()).log, poll).toEqual(['x:one', 'x:two']);
    expect(at().opened).toHaveLength(1);
    expect(at().closedAt).toEqual([]);
    expect((await report()).chatListeners).toEqual([1]);
  });

  it('keeps the connection across a quick remount and closes it a grace period after the last unmount', async () => {
    await open();
    const o = { parts: ['state'], grace: 400 } as const;
    await mount('g', { ...o, parts: [...o.parts] });
    await waitText('state-x0', 'open');
    await unmount('g');
    await mount('g', { ...o, parts: [...o.parts] }); // a route change: back within the grace period
    await waitText('state-x0', 'open');
    expect(at().opened).toHaveLength(1);
    expect(at().closedAt).toEqual([]);
    await unmount('g');
    const released = Date.now();
    await expect.poll(() => at().closedAt.length, poll).toBe(1);
    expect(at().closedAt[0]! - released).toBeGreaterThanOrEqual(300);
    // A later mount opens a new connection.
    await mount('g', { ...o, parts: [...o.parts] });
    await waitText('state-x0', 'open');
    expect(at().opened).toHaveLength(2);
  });

  it('a component that reads only the state does not render on messages; selections render only when they change', async () => {
    await open();
    await mount('r', { parts: ['state', 'connection', 'last-chat', 'presence-count', 'chat-log'] });
    await waitText('state-x0', 'open');
    await waitText('connection', 'open 0 - 0');
    server!.send(path, { type: 'presence', users: ['a', 'b'] });
    await waitText('presence-count', '2');
    const before = (await report()).renders;
    for (let i = 0; i < 5; i++) server!.send(path, { type: 'chat', text: `m${i}` });
    server!.send(path, { type: 'presence', users: ['c', 'd'] }); // same count: no render
    server!.send(path, { type: 'presence', users: ['e', 'f'] });
    server!.send(path, { type: 'chat', text: 'last' }); // a marker: everything before it was handled
    await waitText('last-chat', 'last');
    await expect.poll(async () => (await report()).log.length, poll).toBe(6);
    const after = (await report()).renders;
    expect(after['state:x0']).toBe(before['state:x0']);
    expect(after['connection']).toBe(before['connection']);
    expect(after['presence-count']).toBe(before['presence-count']);
    expect(after['chat-log']).toBe(before['chat-log']);
    expect(after['last-chat']! - before['last-chat']!).toBeGreaterThanOrEqual(1);
    expect(after['last-chat']! - before['last-chat']!).toBeLessThanOrEqual(6);
    server!.send(path, { type: 'presence', users: ['g'] });
    await waitText('presence-count', '1');
    expect((await report()).renders['presence-count']).toBe(before['presence-count']! + 1);
  });

  it('useMessage calls the latest handler without subscribing again', async () => {
    await open();
    await mount('h', { parts: ['state', 'chat-log'], label: 'v1' });
    await waitText('state-v10', 'open');
    server!.send(path, { type: 'chat', text: 'a' });
    await expect.poll(async () => (await report()).log, poll).toEqual(['v1:a']);
    await update('h', { parts: ['state', 'chat-log'], label: 'v2' });
    await waitText('state-v20', 'open');
    server!.send(path, { type: 'chat', text: 'b' });
    await expect.poll(async () => (await report()).log, poll).toEqual(['v1:a', 'v2:b']);
    expect((await report()).chatListeners).toEqual([1]);
  });

  it('request/response in a component, a send from a child effect of the first mount, and a stable useSend', async () => {
    await open();
    await mount('q', { parts: ['user', 'greeter', 'connection'] });
    await waitText('user', 'user 7');
    await update('q', { parts: ['user', 'greeter', 'connection'], label: 'again' });
    const r = await report();
    expect(r.renders['greeter']).toBeGreaterThanOrEqual(2);
    expect(r.sends).toBe(1);
    expect(at().received.filter((m) => m.type === 'say')).toEqual([{ type: 'say', text: 'hello' }]);
    expect(at().received.filter((m) => m.type === 'user')).toMatchObject([{ type: 'user', userId: '7' }]);
    expect(at().opened).toHaveLength(1);
  });

  it('server HTML (react-dom/server in Node) hydrates without a mismatch, and only the browser connects, once', async () => {
    await open();
    // A non-literal specifier: the .tsx module is vitest's to load, not test/'s typecheck (no JSX).
    const ssr = join(import.meta.dirname, 'ssr.tsx');
    const { renderApp } = (await import(pathToFileURL(ssr).href)) as { renderApp(o: MountOptions): string };
    const o = { parts: ['state', 'connection', 'last-chat'] } as const;
    const html = renderApp({ ...o, parts: [...o.parts], url: url() });
    expect(html).toContain('<p id="state-x0">connecting</p>');
    expect(html).toContain('<p id="last-chat">-</p>');
    expect(at().opened).toHaveLength(0);
    await hydrate('ssr', { ...o, parts: [...o.parts] }, html);
    await waitText('state-x0', 'open');
    await waitText('connection', 'open 0 - 0');
    expect((await report()).connections[0]).toBe('connecting 0 - 0');
    expect(at().opened).toHaveLength(1);
    server!.send(path, { type: 'chat', text: 'after hydration' });
    await waitText('last-chat', 'after hydration');
  });

  it('useConnection shows the retry while reconnecting, then open again', async () => {
    await open();
    await mount('c', { parts: ['connection'] });
    await waitText('connection', 'open 0 - 0');
    for (const ws of at().opened) ws.terminate();
    await expect.poll(() => at().opened.length, poll).toBe(2);
    await waitText('connection', 'open 0 - 0');
    const seen = (await report()).connections;
    expect(seen[0]).toBe('connecting 0 - 0');
    expect(seen).toContain('reconnecting 1 at 0');
    expect(seen.at(-1)).toBe('open 0 - 0');
    expect(await text('connection')).toBe('open 0 - 0');
  });
});
