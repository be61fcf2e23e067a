// Merged by @jupyter/builder into the prebuilt extension's rspack configuration.
const path = require('path');

// apache-arrow ships CommonJS and ES-module builds: code compiled to CommonJS (our libraries) and ES
// modules (this extension) would otherwise get two copies, and a Table made by one is not a Table to the
// other. Everything uses the ES-module browser build, the copy shared with the other ODATIS VRE extensions
// (jupyterlab.sharedPackages): results of the session's query engine are made by that copy.
module.exports = {
  resolve: {
    alias: {
      'apache-arrow$': path.join(path.dirname(require.resolve('apache-arrow')), 'Arrow.dom.mjs')
    }
  },
  // The parquet-wasm binary (for Parquet exports) is large on purpose.
  ignoreWarnings: [{ message: /asset size limit|entrypoint size limit/ }]
};
