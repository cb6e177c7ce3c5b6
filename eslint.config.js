import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      '**/coverage/**',
      '**/.cache/**',
      '.gpu/**',
      '.gpu-build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'max-params': ['error', 3],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@codeface/*/src', '@codeface/*/src/*'],
              message:
                'Remove the `/src` part of this import: use the package entry point (its `exports`).',
            },
          ],
        },
      ],
      // Environment variables are read and validated in one env.ts per app.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read environment variables through env.ts.',
        },
      ],
    },
  },
  {
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/*.test.tsx',
      '**/test/**',
      '**/bench/**',
      '**/e2e/**',
      'scripts/**',
      '**/vitest.config.ts',
      '**/*.config.*',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/ui/**', 'apps/desktop/src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
