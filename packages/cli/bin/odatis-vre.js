#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in lib/ (built by `npx tsc -b` at the repo root).
let cli;
try {
  cli = require('../lib/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('lib/main.js')) {
    console.error('odatis-vre: not built yet; run `npx tsc -b` at the repository root first.');
    process.exit(2);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
