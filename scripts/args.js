'use strict';
/**
 * The one way our scripts and benchmarks read `--name value` from their command line: the word after the
 * flag, or the fallback when the flag is absent.
 */

/** The value given after `flag` (`--port 8799`), else `fallback`. */
function option(flag, fallback, argv = process.argv) {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

module.exports = { option };
