// The worker tests run the compiled worker (lib/node/worker.js) in worker_threads; make sure it is current.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', path.join(__dirname, '..')], { stdio: 'inherit' });
};
