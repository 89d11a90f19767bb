/**
 * Jest runs TypeScript through ts-jest (never an esbuild/SWC transform): type-graphql's
 * decorators need `emitDecoratorMetadata`, which only the TypeScript compiler emits.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: false }],
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  // Servers started by a suite are closed in its afterAll; this catches any that leak.
  forceExit: false,
};
