const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true, decorators: true },
      transform: {
        legacyDecorator: true,
        decoratorMetadata: true,
        useDefineForClassFields: false,
        react: { runtime: 'automatic' },
      },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

const common = {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
};

/**
 * Two projects: `unit` tests the app's pure functions (no services needed); `e2e` drives Debian's chromium
 * through playwright-core against the real backend, started in the test on a fresh database (the backend's
 * jest setup makes the migrated template and drops the clones afterwards). Jest runs the projects' files in
 * one worker: the browser tests measure timings and must not share the machine with each other.
 */
export default {
  testTimeout: 180_000,
  maxWorkers: 1,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test'], testMatch: ['**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/../backend/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/../backend/test/support/global-teardown.ts',
    },
  ],
};
