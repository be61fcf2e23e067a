#!/usr/bin/env node
// `npm start`: builds what is missing or stale, assembles the embedded VRE site and serves it.
// Options: --port N (default 8686, or $PORT), --host H (default 127.0.0.1), --build-only, --no-build,
// --typecheck (build the TypeScript packages with `tsc -b`, type check and declarations, instead of
// transpiling their JavaScript with esbuild),
// --read-only-mount NAME=FOLDER (repeatable: FOLDER is served read-only as NAME/, like shared/).
const path = require('path');
const { buildAll } = require('./build');
const { serveSite } = require('../packages/app/scripts/serve');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function readOnlyMounts() {
  return process.argv
    .map((arg, i) => (arg === '--read-only-mount' ? process.argv[i + 1] : null))
    .filter(Boolean)
    .map(spec => {
      const match = /^([^=/][^=]*)=(.+)$/.exec(spec);
      if (!match) throw new Error(`--read-only-mount wants NAME=FOLDER, got "${spec}"`);
      return { name: match[1], source: path.resolve(match[2]) };
    });
}

async function main() {
  const { siteDir } = await buildAll({
    skip: process.argv.includes('--no-build'),
    typecheck: process.argv.includes('--typecheck'),
    readOnlyMounts: readOnlyMounts()
  });
  if (process.argv.includes('--build-only')) return;
  const { url } = await serveSite(siteDir, {
    host: option('--host', process.env.HOST || '127.0.0.1'),
    port: Number(option('--port', process.env.PORT || 8686))
  });
  console.log(
    `\nODATIS VRE is running at ${url}\n(serving ${path.relative(process.cwd(), siteDir)}; press Ctrl+C to stop)`
  );
}

main().catch(error => {
  console.error(`\nnpm start failed: ${error.message}`);
  process.exit(1);
});
