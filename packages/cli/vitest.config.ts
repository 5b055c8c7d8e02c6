import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@tether/source'] },
  ssr: { resolve: { conditions: ['@tether/source'] } },
  test: { name: 'cli', include: ['src/**/*.test.ts'] },
});
