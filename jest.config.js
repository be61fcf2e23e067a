/** Unit tests of every package: each package (packages/*, extensions/*) keeps its own jest.config.js. */
const fs = require('fs');
const path = require('path');

const projects = ['packages', 'extensions'].flatMap(dir =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .map(name => path.join(__dirname, dir, name, 'jest.config.js'))
    .filter(file => fs.existsSync(file))
);

module.exports = { projects };
