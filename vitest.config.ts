import { defineConfig } from 'vitest/config';

// Every package is a Vitest project with its own vitest.config.ts; coverage is collected here so
// that `npm run coverage` prints one report and enforces each package's threshold.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools', 'infra'],
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      include: ['packages/*/src/**', 'apps/*/src/**'],
      exclude: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/fixtures/**'],
      thresholds: {
        'packages/db/src/**': { lines: 85 },
        // Issue 19: the sync engine, protocol and crypto are covered completely, branches included.
        'packages/sync/src/{crypto,engine,protocol}/**': {
          lines: 100,
          branches: 100,
          functions: 100,
          statements: 100,
        },
      },
    },
  },
});
