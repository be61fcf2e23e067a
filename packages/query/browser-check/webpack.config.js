// Plain webpack 5, as @jupyterlab/builder uses: new Worker(new URL(...)) and new URL(...wasm...) become assets.
const path = require('node:path');
module.exports = {
  mode: 'production',
  target: 'web',
  entry: path.join(__dirname, 'entry.js'),
  output: { path: path.join(__dirname, 'dist'), filename: 'main.js', publicPath: 'auto', clean: true },
  resolve: {
    alias: {
      // DuckDB-WASM's exports map sends './blocking' to the node build for every condition; the browser
      // build of the synchronous bindings is only reachable by its file (see README, "Browser build").
      '@duckdb/duckdb-wasm/blocking$': path.join(path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm')), 'duckdb-browser-blocking.mjs')
    }
  },
  devtool: false,
  performance: { hints: false }
};
