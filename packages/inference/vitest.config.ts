import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'inference',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Starting a model process (tsx, llama.cpp's binary, the model) takes seconds on
    // a loaded CI machine; these are limits against hangs, not speed checks.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
