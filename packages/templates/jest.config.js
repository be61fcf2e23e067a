/**
 * Tests of @odatis-vre/templates: the four template notebooks run headless in node on the NEO kernel core
 * (DuckDB-WASM in a worker thread, the shared data and the synthetic ground truth), and the launch form's model.
 */
module.exports = {
  displayName: 'templates',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 600000,
  // The SQL workspace's charts (used by the kernel) are an ES-module build: compiled from source here.
  // The kernel is an ES-module build: its core is compiled from source here, as its own tests do.
  moduleNameMapper: {
    '^@odatis-vre/sql/lib/charts$': '<rootDir>/../sql/src/charts.ts',
    '^@odatis-vre/kernel/lib/(.*)$': '<rootDir>/../kernel/src/$1'
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }]
  }
};
