import { fileURLToPath } from 'node:url';
import { CloseReports, type InteropPeer } from './peer';
import { PYTHON } from './peers';
import { LOOPBACK } from './ports';
import { start, type Started } from './processes';

// Python's websockets running the interop echo service (python-echo.py) as a child process: it
// reports its port and every close on stdout, and is stopped by its PID.

const SCRIPT = fileURLToPath(new URL('../python-echo.py', import.meta.url));

export interface PythonPeer extends InteropPeer {
  readonly process: Started;
}

export async function startPythonPeer(): Promise<PythonPeer> {
  const process = await start('python-websockets', PYTHON, ['-u', SCRIPT]);
  const reports = new CloseReports();
  process.onLine((line) => {
    if (!line.startsWith('{')) return;
    try {
      const event = JSON.parse(line) as { event: string; path: string; code: number | null; reason: string | null; received: number };
      if (event.event === 'close') reports.report(event.path, { code: event.code ?? 1006, reason: event.reason ?? '', received: event.received });
    } catch {
      // Not one of ours; kept in the output for failure messages.
    }
  });
  let port: number;
  try {
    port = Number((await process.line(/^PORT (\d+)$/))[1]);
  } catch (error) {
    await process.stop();
    throw error;
  }
  return {
    name: 'python-websockets',
    process,
    url: `ws://${LOOPBACK}:${port}`,
    clientOptions: {},
    compression: true,
    closeSeen: (path) => reports.seen(path, 'python-websockets'),
    stop: () => process.stop(),
  };
}
