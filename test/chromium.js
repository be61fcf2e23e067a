// Debian's Chromium, as the browser tests and the boot benchmark launch it (never a downloaded browser).
const fs = require('fs');

/** Flags for a headless Chromium on a machine with no GPU and no network but loopback. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

/** The Chromium binary to drive; throws a message saying how to get one when it is missing. */
function chromiumExecutable() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(path)) {
    throw new Error(
      `Chromium was not found at ${path}. The browser tests drive Debian's Chromium: ` +
        'install it with `apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary.'
    );
  }
  return path;
}

module.exports = { CHROMIUM_ARGS, chromiumExecutable };
