module.exports = {
  displayName: 'app',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.js']
};
