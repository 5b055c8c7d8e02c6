import { join } from 'node:path';
import { packageConfig } from '@tether/build';

// Two builds of one source: `#transport` (the default WebSocket) is resolved to the Node transport
// for dist/index.* and to the browser one for dist/browser.*, so the browser build has no Node code.
const dir = import.meta.dirname;
const transport = (file) => ({
  name: 'tether-transport',
  resolveId: (id) => (id === '#transport' ? join(dir, 'src', file) : null),
});
const [code, ...types] = packageConfig(dir);
const browser = packageConfig(dir, { browser: 'src/index.ts' })[0];

export default [
  { ...code, plugins: [transport('transport.node.ts'), ...code.plugins] },
  { ...browser, plugins: [transport('transport.browser.ts'), ...browser.plugins] },
  ...types.map((t) => ({ ...t, plugins: [transport('transport.node.ts'), ...t.plugins] })),
];
