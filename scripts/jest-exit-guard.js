// jest's globalTeardown (jest.config.js). Once every suite has reported, jest ends by itself when the suites
// closed what they opened (native DuckDB instances, servers, workers, timers, child processes). If one did not,
// this says so and ends the run as failed after a grace period: CI neither hangs (as it once did on a DuckDB
// connection closed under a running query) nor hides the leak (as --forceExit would).
const GRACE_MS = 60_000;

module.exports = async globalConfig => {
  // A watching jest stays on by design.
  if (globalConfig.watch || globalConfig.watchAll) return;
  setTimeout(() => {
    console.error(
      `\njest did not end ${GRACE_MS / 1000} s after its last suite: a suite left a handle open (an engine, ` +
        'a server, a worker, a timer). Find it with `npx jest --detectOpenHandles <package>` and close it in ' +
        'that suite (afterAll).'
    );
    process.exit(1);
  }, GRACE_MS).unref();
};
