import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'desktop',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'node',
    // The e2e tests drive the renderer as built for production; it is built once per run.
    globalSetup: ['e2e/global-setup.ts'],
    // Each file starts a model process (and the e2e ones a browser): on a 2-core machine they
    // finish sooner one after another than all at once.
    fileParallelism: false,
  },
});
