import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@tether/source'] },
  ssr: { resolve: { conditions: ['@tether/source'] } },
  test: { name: 'react', include: ['src/**/*.test.{ts,tsx}'] },
});
