// Server-side rendering: react-dom/server renders every hook, opens no socket and does not throw;
// the connection there is `connecting` (SERVER_CONNECTION).
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@tether/client';
import { TetherProvider, useClient, useConnection, useLatest, useMessage, useRequest, useSend } from './index';
import { type In, type Out, startServer, type TestServer } from './test-utils';
import type { RegisteredClient } from './types';

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(() => server.close());

const seen: RegisteredClient[] = [];

function Everything() {
  const c = useConnection();
  const state = useConnection((x) => x.state);
  const chat = useLatest('chat', (m) => m.text);
  useMessage('chat', () => {
    throw new Error('no message on the server');
  });
  const send = useSend();
  const request = useRequest();
  seen.push(useClient());
  return (
<p>{`${c.state}|${state}|${c.attempt}|${String(c.nextRetryAt)}|${c.queued}|${chat ?? 'none'}|${typeof send}|${typeof request}`}</p>
  );
}

/** Waits long enough for a connection started by the render to reach the server. */
const settle = () => new Promise((r) => setTimeout(r, 200));

describe('server-side rendering', () => {
  it('a shared provider renders `connecting`, creates its client without a socket, and opens none', async () => {
    seen.length = 0;
    const html = renderToString(
      <TetherProvider options={{ url: `${server.url}shared` }}>
        <Everything />
        <Everything />
      </TetherProvider>,
    );
    expect(html).toBe('<p>connecting|connecting|0|null|0|none|function|function</p><p>connecting|connecting|0|null|0|none|function|function</p>');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]!.state).toBe('closed');
    await settle();
    expect(server.connections).toHaveLength(0);
  });

  it('a provider given a lazy client renders the same and leaves it unconnected', async () => {
    seen.length = 0;
    const client = createClient<In, Out>({ url: `${server.url}own`, lazy: true });
    const html = renderToString(
      <TetherProvider client={client}>
        <Everything />
      </TetherProvider>,
    );
    expect(html).toContain('connecting|connecting|0|null|0|none');
    expect(seen[0]).toBe(client);
    expect(client.state).toBe('closed');
    await settle();
    expect(server.connections).toHaveLength(0);
  });

  it('hooks outside a provider throw a TypeError that says so', () => {
    expect(() => renderToString(<Everything />)).toThrow(/no <TetherProvider>/);
  });
});
