/** Unit tests of every package: each package (packages/*, extensions/*) keeps its own jest.config.js. */
const fs = require('fs');
const path = require('path');

const projects = ['packages', 'extensions'].flatMap(dir =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .map(name => path.join(__dirname, dir, name, 'jest.config.js'))
    .filter(file => fs.existsSync(file))
);

// testTimeout is a global option (ignored inside projects): worker and engine tests need more than the
// default 5 s on a loaded 2-core machine.
module.exports = { projects, testTimeout: 60_000 };
