// Type-aware lint, as graphql-tools and Apollo Server keep: the rules that catch real bugs in
// async code (a promise nobody awaits, a promise where a callback is expected) and keep type-only
// imports out of the emitted JavaScript. Formatting is prettier's job, not ESLint's.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.test-dist/',
      'coverage/',
      'node_modules/',
      '.switchboard/',
      'eslint.config.mjs',
      // The peer's own installation: plain JS that mesh-compose loads with packages the root
      // project does not have (bench/peer/node_modules), outside the type-aware project.
      'bench/peer/',
      'jest.config.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // fastify handlers and Apollo plugin hooks are async by contract, whether or not they await.
      '@typescript-eslint/require-await': 'off',
      // `const { dropped: _unused, ...rest } = doc` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  {
    // jest's matchers (`expect.objectContaining`, `expect.any`) are typed `any`, and tests read
    // JSON answers whose shape the assertion itself checks; the no-unsafe rules only add noise there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
