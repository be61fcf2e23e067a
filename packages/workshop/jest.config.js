/** Unit tests of @odatis-vre/workshop (node): pairing, parameters cells, figures, tables, citations. */
module.exports = {
  displayName: 'workshop',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  }
};
