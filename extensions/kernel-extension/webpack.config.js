// Merged by @jupyter/builder into the prebuilt extension's rspack configuration.
const path = require('path');

// One apache-arrow module, the ES-module browser build, shared with the other ODATIS VRE extensions
// (jupyterlab.sharedPackages): the kernel serialises the session engine's results, which that copy made.
module.exports = {
  resolve: {
    alias: {
      'apache-arrow$': path.join(path.dirname(require.resolve('apache-arrow')), 'Arrow.dom.mjs')
    }
  }
};
