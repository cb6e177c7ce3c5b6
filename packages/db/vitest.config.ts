import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'db',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // The machine running CI is shared and slow at times; no test here measures speed.
    testTimeout: 30_000,
  },
});
