/** Unit tests of @odatis-vre/harmonised (ts-jest, type-checked against test/tsconfig.json). */
module.exports = {
  displayName: 'harmonised',
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  }
};
