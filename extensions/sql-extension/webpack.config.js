// Merged by @jupyterlab/builder into the prebuilt extension's webpack configuration.
const path = require('path');

// DuckDB-WASM's package exports map `./blocking` to its node build only; the query worker needs the
// browser build of the synchronous (blocking) API, which the package ships but does not export.
const duckdbDist = path.dirname(require.resolve('@duckdb/duckdb-wasm'));

// apache-arrow ships CommonJS and ES-module builds: code compiled to CommonJS (our libraries) and ES
// modules (DuckDB-WASM, this extension) would otherwise get two copies, and a Table made by one is not
// a Table to the other. Everything in this bundle uses the ES-module browser build.
const arrowDir = path.dirname(require.resolve('apache-arrow'));

module.exports = {
  resolve: {
    alias: {
      '@duckdb/duckdb-wasm/blocking$': path.join(duckdbDist, 'duckdb-browser-blocking.mjs'),
      'apache-arrow$': path.join(arrowDir, 'Arrow.dom.mjs')
    }
  }
};
