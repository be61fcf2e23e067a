/** Unit tests of @odatis-vre/query (node). Worker tests start lib/node/worker.js: globalSetup builds it. */
module.exports = {
  displayName: 'query',
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/build-lib.js',
  testTimeout: 60000,
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  }
};
