module.exports = {
  displayName: 'catalog',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // @odatis-vre/vre is built as ES modules for the bundler: its sources are compiled here instead.
  moduleNameMapper: { '^@odatis-vre/vre/lib/(.*)$': '<rootDir>/../vre/src/$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }]
  }
};
