/** Unit tests of every package: each package (packages/*, extensions/*) keeps its own jest.config.js. */
const fs = require('fs');
const path = require('path');

const projects = ['packages', 'extensions'].flatMap(dir =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .map(name => path.join(__dirname, dir, name, 'jest.config.js'))
    .filter(file => fs.existsSync(file))
);

// ts-jest type-checks each test file against its package's test/tsconfig.json. Packages built for node use
// module Node16, for which ts-jest warns (TS151002) on every file that it wants `isolatedModules: true`; that
// setting would make ts-jest only transpile, so type errors in tests would pass unseen. Those packages ignore
// the warning's code instead (`diagnostics: { ignoreCodes: [151002] }`), keeping full type checking.
// testTimeout is a global option (ignored inside projects): worker and engine tests need more than the
// default 5 s on a loaded 2-core machine.
// The exit guard: a suite that leaves a handle open fails the run, named, instead of holding it (or being cut
// off unseen by --forceExit).
module.exports = {
  projects,
  testTimeout: 60_000,
  globalTeardown: path.join(__dirname, 'scripts', 'jest-exit-guard.js')
};
