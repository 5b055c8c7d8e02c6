// --reconnect: the client's backoff with each attempt shown, and what was piped during the outage
// sent once the server is back.
import { describe, expect, it } from 'vitest';
import { echoServer, tether, until, wsServer } from './helpers';

describe('tether --reconnect', () => {
  it('shows each attempt, and delivers what was sent during the outage after the server is back', async () => {
    const first = await echoServer();
    const t = tether(['--reconnect', '-w', '0', first.url]);
    t.child.stdin.write('before\n');
    await t.waitFor(/^before\n$/, 'stdout');

    await first.stop();
    await t.waitFor(/connection lost: ERR_CONNECTION_LOST.*will reconnect/, 'stderr');
    await t.waitFor(/reconnecting in \d+\.\d+ s \(attempt 1\)/, 'stderr');
    await t.waitFor(/reconnecting in \d+\.\d+ s \(attempt 2\)/, 'stderr');
    t.child.stdin.write('during the outage\n');

    const second = await wsServer((socket) => socket.on('message', (data) => socket.send(String(data))), {}, first.port);
    await until(() => second.received.includes('during the outage'), 'the message sent during the outage');
    await t.waitFor(/during the outage\n$/, 'stdout');
    t.child.stdin.end();
    expect(await t.exit()).toBe(0);
    expect(second.received).toEqual(['during the outage']);
    expect(t.stderr().match(/connected/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('does not reconnect without --reconnect', async () => {
    const server = await echoServer();
    const t = tether([server.url]);
    await t.waitFor(/connected/, 'stderr');
    await server.stop();
    expect(await t.exit()).toBe(6);
    expect(t.stderr()).not.toMatch(/reconnecting/);
  });
});
