/** Unit tests of @odatis-vre/niche: every output against R 4.2.2 + ade4 1.7-22 reference numbers. */
module.exports = {
  displayName: 'niche',
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
