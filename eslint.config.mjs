import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/lib/**', '**/dist/**', '**/node_modules/**', '**/build/**', '**/site/**', '**/*.js', '**/*.mjs', '**/*.cjs']
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  }
);
