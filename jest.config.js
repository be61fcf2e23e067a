/** Unit tests of every package: each package keeps its own jest.config.js. */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/extensions/*/jest.config.js']
};
