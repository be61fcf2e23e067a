module.exports = {
  displayName: 'app',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.js', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }]
  }
};
