import net from 'node:net';
import { deferred, within } from './deadline';
import type { Started } from './processes';

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

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOOPBACK, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once `port` accepts TCP connections. Each attempt waits for the outcome of a real
 * connect; between failed attempts it waits for the process to exit or a short pause, at most
 * 100 attempts (a program that never listens fails the suite with its output).
 */
export async function waitForPort(port: number, process: Started): Promise<void> {
  let exited = false;
  void process.exited.then(() => {
    exited = true;
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await tryConnect(port)) return;
    if (exited) throw new Error(`${process.name} exited before listening on ${port}:\n${process.output()}`);
    await within(process.exited, 50, 'exit').catch(() => {});
  }
  throw new Error(`${process.name} is not listening on ${port}:\n${process.output()}`);
}
