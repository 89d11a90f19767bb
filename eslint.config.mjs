// Type-aware lint, as graphql-tools and Apollo Server keep: the rules that catch real bugs in
// async code (a promise nobody awaits, a promise where a callback is expected) and keep type-only
// imports out of the emitted JavaScript. Formatting is prettier's job, not ESLint's.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.switchboard/', 'eslint.config.mjs', 'jest.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // fastify handlers and Apollo plugin hooks are async by contract, whether or not they await.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
