#!/usr/bin/env node
// A stock `jupyter lab` with the odatis-vre wheel, set up as a workshop deployment, for the browser
// tests (test/playwright.stock.config.ts starts it): the server root holds
//   shared/             the real sample data of ../shared/data, read-only (file modes and the guard)
//   shared/harmonised/  their harmonised dataset, converted with the odatis-vre CLI
//                       (shared/ staged by scripts/stage-shared-data.js, as binder/postBuild does)
//   examples/           the workshop notebooks, read-only like in the embedded default
// Usage: node test/stock/server.js --port <port>   (token: $ODATIS_VRE_STOCK_TOKEN)
// Set ODATIS_VRE_STOCK_PREPARED=1 when test/stock/env.js already ran (npm test does).
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { removeStaged, setWritable, stageSharedData } = require('../../scripts/stage-shared-data');
const { prepareEnvironment, VENV } = require('./env');

const root = path.resolve(__dirname, '..', '..');
const sharedData = path.resolve(root, '..', 'shared', 'data');
const STATE = path.join(root, 'test-results', 'stock-server');

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The server's root folder, as a deployment lays it out; returns its path. */
function stageRoot(log = console.log) {
  if (!fs.existsSync(sharedData)) {
    throw new Error(
      `The shared sample data is missing: expected ${sharedData} (the ../shared folder beside the repository).`
    );
  }
  const serverRoot = path.join(STATE, 'root');
  const examples = path.join(serverRoot, 'examples');
  removeStaged(serverRoot);
  fs.rmSync(STATE, { recursive: true, force: true });
  log('• shared data and its harmonised dataset (scripts/stage-shared-data.js)');
  log(`  ${stageSharedData({ out: path.join(serverRoot, 'shared'), from: sharedData })}`);
  fs.cpSync(path.join(root, 'examples'), examples, { recursive: true });
  setWritable(examples, false);
  for (const dir of ['config', 'data', 'runtime', 'lab-settings', 'workspaces', 'ipython']) {
    fs.mkdirSync(path.join(STATE, dir), { recursive: true });
  }
  return serverRoot;
}

function main() {
  const port = option('--port');
  const token = process.env.ODATIS_VRE_STOCK_TOKEN;
  if (!port || !token) {
    throw new Error(
      'Usage: ODATIS_VRE_STOCK_TOKEN=<token> node test/stock/server.js --port <port>'
    );
  }
  const started = Date.now();
  if (!process.env.ODATIS_VRE_STOCK_PREPARED) prepareEnvironment();
  const serverRoot = stageRoot();
  console.log(`• jupyter lab on port ${port} (root ${path.relative(root, serverRoot)})`);
  // Its own Jupyter folders: nothing read from or written to the user's ~/.jupyter.
  const env = {
    ...process.env,
    PATH: `${path.join(VENV, 'bin')}${path.delimiter}${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(STATE, 'config'),
    JUPYTER_DATA_DIR: path.join(STATE, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(STATE, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: path.join(STATE, 'lab-settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(STATE, 'workspaces'),
    IPYTHONDIR: path.join(STATE, 'ipython')
  };
  const server = spawn(
    path.join(VENV, 'bin', 'jupyter'),
    [
      'lab',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${serverRoot}`,
      // CI runs as root: a container's usual user, and the reason the guard exists.
      '--allow-root',
      // The tests drive JupyterLab through its application object.
      '--LabApp.expose_app_in_browser=True',
      '--OdatisVreApp.read_only_dirs=shared',
      '--OdatisVreApp.read_only_dirs=examples'
    ],
    // In its root, as JupyterHub starts a single-user server in the user's home: the server engine then lets
    // SQL name the user's files by relative path (odatis_vre.query).
    { env, cwd: serverRoot, stdio: 'inherit' }
  );
  server.on('spawn', () =>
    console.log(`  environment and data ready in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

try {
  main();
} catch (error) {
  console.error(`The stock JupyterLab server could not start: ${error.message}`);
  process.exit(1);
}
