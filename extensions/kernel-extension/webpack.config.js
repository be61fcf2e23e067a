// Merged by @jupyter/builder into the prebuilt extension's rspack configuration.
const path = require('path');

// One apache-arrow module, the ES-module browser build, shared with the other ODATIS VRE extensions
// (jupyterlab.sharedPackages): the kernel serialises the session engine's results, which that copy made.
module.exports = {
  // `new IsolatedWorker(new URL('…/worker.js', import.meta.url), …)` starts a worker, as `new Worker(…)` does:
  // its script is bundled as a worker entry (the default syntaxes stay: '...').
  module: {
    parser: {
      javascript: { worker: ['IsolatedWorker from @odatis-vre/kernel', '...'] }
    },
    // The isolation frame's script is loaded by the frame's document: a file, not a module of the bundle.
    rules: [{ test: /[\\/]kernel[\\/]lib[\\/]isolation-frame\.js$/, type: 'asset/resource' }]
  },
  resolve: {
    alias: {
      'apache-arrow$': path.join(path.dirname(require.resolve('apache-arrow')), 'Arrow.dom.mjs')
    }
  }
};
