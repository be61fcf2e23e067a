// Merged by @jupyterlab/builder into the prebuilt extension's webpack configuration.
const path = require('path');
const { queryWebpackConfig } = require('@odatis-vre/query/lib/webpack');

// The query worker needs DuckDB-WASM's browser build of its synchronous API (see @odatis-vre/query).
const config = queryWebpackConfig(__dirname);

// apache-arrow ships CommonJS and ES-module builds: code compiled to CommonJS (our libraries) and ES
// modules (DuckDB-WASM) would otherwise get two copies, and a Table made by one is not a Table to the
// other. Everything uses the ES-module browser build, which is also the copy shared with the other
// ODATIS VRE extensions (jupyterlab.sharedPackages).
config.resolve.alias['apache-arrow$'] = path.join(
  path.dirname(require.resolve('apache-arrow')),
  'Arrow.dom.mjs'
);

module.exports = config;
