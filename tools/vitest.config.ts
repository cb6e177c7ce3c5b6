import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'tools',
    include: ['**/*.test.ts'],
    exclude: ['**/fixtures/**', '**/node_modules/**'],
    environment: 'node',
  },
});
