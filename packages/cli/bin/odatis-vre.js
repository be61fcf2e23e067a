#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in lib/ (run `npx tsc -b` from the repo root).
process.exitCode = require('../lib/main.js').main(process.argv.slice(2));
