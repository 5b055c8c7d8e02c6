import net from 'node:net';
import { deferred } from './deadline';

// Ports for programs that cannot be told "port 0" (nginx, tinyproxy): the OS picks a free one for a
// socket we bind and close at once, then the program is configured with it.

export const LOOPBACK = '127.0.0.1';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  const listening = deferred<void>();
  server.once('error', (error) => listening.reject(error));
  server.listen(0, LOOPBACK, () => listening.resolve());
  await listening.promise;
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a program on a port from `freePort`, and again on another one (3 tries at most) when it
 * fails to start: another process may take the port between the pick and the program's bind.
 */
export async function onFreePort<T>(startOn: (port: number) => Promise<T>): Promise<T> {
  let failure: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOn(await freePort());
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
