/** Unit tests of the NEO kernel core (node): cells run on DuckDB-WASM in node and the real niche library. */
module.exports = {
  displayName: 'kernel',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // The SQL workspace's charts are an ES-module build: the tests compile them from source.
  moduleNameMapper: {
    '^@odatis-vre/sql/lib/charts$': '<rootDir>/../sql/src/charts.ts'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }]
  }
};
