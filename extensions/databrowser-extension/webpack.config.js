// Merged by @jupyter/builder into the prebuilt extension's rspack configuration.
const path = require('path');

// One apache-arrow for the whole page: the ES-module browser build, the copy the other ODATIS VRE
// extensions share (jupyterlab.sharedPackages), instead of a private copy of the CommonJS build that the
// data browser's libraries would otherwise pull in (0.28 MB more at every start).
module.exports = {
  resolve: {
    alias: {
      'apache-arrow$': path.join(path.dirname(require.resolve('apache-arrow')), 'Arrow.dom.mjs')
    }
  }
};
