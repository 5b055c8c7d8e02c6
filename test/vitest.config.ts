import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One vitest run covers every package's unit tests and the cross-package suites under test/.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { conditions: ['@tether/source'] },
  ssr: { resolve: { conditions: ['@tether/source'] } },
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.integration.config.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
