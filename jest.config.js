// One jest run over every workspace. Tests import workspace packages from
// their TypeScript sources (the moduleNameMapper), so no build is needed to
// test.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/internal', '<rootDir>/subgraphs', '<rootDir>/router', '<rootDir>/stack'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/generated/'],
  transform: {
    // Transpile only (type checking is `tsc -b` in npm test): fast, and it
    // emits the decorator metadata type-graphql reads.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@shop/(platform|identity|events|federation|database|composition|seed|testing)$':
      '<rootDir>/internal/$1/src',
    '^@shop/(users|products|inventory|orders|payments|search|notifications)$':
      '<rootDir>/subgraphs/$1/src',
    '^@shop/(router|stack)$': '<rootDir>/$1/src',
  },
  maxWorkers: 2,
  // Test files that start subgraphs leave their module contexts alive in the
  // worker (3 to 19 native contexts over 18 files, after forced collections).
  // A heap snapshot after four such files, in band, found three held: two by
  // Node's own vm bookkeeping (a ContextifyContext in its cleanup queue), one
  // through a socket (a later tracer of every pg pool and client found none
  // left open 3 s after each products file, so likely a pool still closing).
  // By the end of a run each worker's heap was 1.2-1.4 GB, and freeing it took
  // 620-740 ms, past the 500 ms jest waits: "A worker process has failed to
  // exit gracefully". Jest's own remedy for contexts Node keeps: a worker past
  // this heap after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '512MB',
  testTimeout: 30_000,
  // A log directory for the run; after it, every test database and log is scanned for
  // card numbers and CVCs, and a finding fails the run. Loaded without the mapping above.
  globalSetup: '<rootDir>/internal/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/internal/testing/src/jest-global-teardown.ts',
};
