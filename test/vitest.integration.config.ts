import { defineProject } from 'vitest/config';

// Cross-package suites: integration, interop, conformance, browser end-to-end. Real sockets on
// loopback; the workspace packages resolve to their sources through the "@tether/source" condition.
export default defineProject({
  resolve: { conditions: ['@tether/source'] },
  ssr: { resolve: { conditions: ['@tether/source'] } },
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**'],
  },
});
