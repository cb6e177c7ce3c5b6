import { defineConfig } from 'vitest/config';

// Checks of what infra/ and .github/ hold with the real tools (Kustomize, promtool, linters and validators):
// docs/decisions/0310-infra-checked-by-real-tools.md.
export default defineConfig({
  test: {
    name: 'infra',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each check starts a tool (a linter, Kustomize, promtool) as a process: seconds on a busy machine.
    testTimeout: 60_000,
  },
});
