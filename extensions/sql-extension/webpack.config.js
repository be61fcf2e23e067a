// Merged by @jupyterlab/builder into the prebuilt extension's webpack configuration.
const path = require('path');

// DuckDB-WASM's package exports map `./blocking` to its node build only; the query worker needs the
// browser build of the synchronous (blocking) API, which the package ships but does not export.
const duckdbDist = path.dirname(require.resolve('@duckdb/duckdb-wasm'));

module.exports = {
  resolve: {
    alias: {
      '@duckdb/duckdb-wasm/blocking$': path.join(duckdbDist, 'duckdb-browser-blocking.mjs')
    }
  }
};
