import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/lib/**',
      '**/dist/**',
      '**/node_modules/**',
      '**/build/**',
      '**/site/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/test-results/**',
      '**/.cache/**',
      'packages/app/build/**'
    ]
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // JupyterLab's idiom: `namespace CommandIDs`, `namespace Foo { interface IOptions }`.
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // Build, serve and test scripts are CommonJS node programs.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
);
