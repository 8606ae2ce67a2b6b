// One lint configuration for every workspace: each package runs `eslint .` from its own folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/.data/**', '**/dist/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A service owns its data: orders may never import the users service, nor users the orders service.
    files: ['subgraphs/orders/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@supergraph/users', '@supergraph/users/*', '**/users/src/**'],
              message: 'orders must not import the users service: talk through the graph or events.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['subgraphs/users/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@supergraph/orders', '@supergraph/orders/*', '**/orders/src/**'],
              message: 'users must not import the orders service: talk through the graph or events.',
            },
          ],
        },
      ],
    },
  },
);
