/**
 * Browser tests: playwright-core drives Debian's chromium against the real backend, started in the test on a
 * fresh database (the backend's jest setup makes the migrated template and drops the clones afterwards).
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  globalSetup: '<rootDir>/../backend/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/../backend/test/support/global-teardown.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
