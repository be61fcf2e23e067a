// Merged by @jupyter/builder into the prebuilt extension's rspack configuration.
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

// DuckDB-WASM's emscripten glue mentions node's __filename/__dirname and a dynamic require on paths that
// never run in a browser worker (see @odatis-vre/query's browser-worker-globals); the DuckDB and
// parquet-wasm binaries are large on purpose. Say so once here instead of printing the minified module.
config.node = { __filename: 'mock', __dirname: 'mock' };
config.ignoreWarnings = [
  { module: /duckdb-browser-blocking/, message: /Critical dependency/ },
  { message: /asset size limit|entrypoint size limit/ }
];

module.exports = config;
