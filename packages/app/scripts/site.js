// Assembles the static site of the embedded VRE: the host bundle, the prebuilt extensions,
// the read-only mounts (sample data, examples) with their contents listings, and the page
// configuration that replaces a Jupyter server. It does what `jupyter lite build` does, in node.
const fs = require('fs');
const path = require('path');
const { settingsIndex } = require('./host');

const MIME = {
  '.csv': 'text/csv',
  '.gz': 'application/gzip',
  '.ipynb': 'application/x-ipynb+json',
  '.json': 'application/json',
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.parquet': 'application/vnd.apache.parquet',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
};

function rmrf(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true, dereference: true });
  // Mounted data keeps no write bits from its source (read-only shared/), but the site must be rebuildable.
  const fix = dir => {
    fs.chmodSync(dir, 0o755);
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) fix(full);
      else fs.chmodSync(full, 0o644);
    }
  };
  fix(to);
}

function contentsModel(filesDir, relPath, writable) {
  const full = path.join(filesDir, relPath);
  const stat = fs.statSync(full);
  const name = path.basename(relPath);
  const isDir = stat.isDirectory();
  const ext = path.extname(name).toLowerCase();
  return {
    name,
    path: relPath.split(path.sep).join('/'),
    type: isDir ? 'directory' : ext === '.ipynb' ? 'notebook' : 'file',
    created: stat.birthtime.toISOString(),
    last_modified: stat.mtime.toISOString(),
    mimetype: isDir ? null : MIME[ext] || 'application/octet-stream',
    size: isDir ? null : stat.size,
    writable,
    format: null,
    content: null
  };
}

/** Writes api/contents/<dir>/all.json for every folder under files/. */
function writeContentsIndex(siteDir, readOnly) {
  const filesDir = path.join(siteDir, 'files');
  const apiDir = path.join(siteDir, 'api', 'contents');
  const isReadOnly = rel => readOnly.some(m => rel === m || rel.startsWith(`${m}/`));
  const walk = rel => {
    const children = fs
      .readdirSync(path.join(filesDir, rel))
      .sort()
      .map(name => path.posix.join(rel, name));
    const model = {
      ...contentsModel(filesDir, rel, !isReadOnly(rel)),
      name: path.basename(rel),
      path: rel,
      format: 'json',
      content: children.map(child => contentsModel(filesDir, child, !isReadOnly(child)))
    };
    fs.mkdirSync(path.join(apiDir, rel), { recursive: true });
    fs.writeFileSync(path.join(apiDir, rel, 'all.json'), JSON.stringify(model));
    for (const child of model.content) {
      if (child.type === 'directory') walk(child.path);
    }
  };
  walk('');
}

/** Copies prebuilt extensions and returns their page-config entries and federated schemas. */
function installPrebuiltExtensions(siteDir, extensionDirs) {
  const entries = [];
  const schemas = [];
  for (const dir of extensionDirs) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const build = meta.jupyterlab && meta.jupyterlab._build;
    if (!build) {
      throw new Error(
        `${dir} is not a prebuilt JupyterLab extension (no jupyterlab._build in its package.json)`
      );
    }
    const target = path.join(siteDir, 'extensions', meta.name);
    copyDir(dir, target);
    entries.push({ name: meta.name, version: meta.version, ...build });
    const schemaDir = path.join(target, 'schemas');
    if (fs.existsSync(schemaDir)) schemas.push(...settingsIndex(schemaDir));
  }
  return { entries, schemas };
}

function pageHtml(config) {
  const json = JSON.stringify(config, null, 2).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${config.appName}</title>
    <link rel="icon" type="image/svg+xml" href="${config.baseUrl}favicon.svg" />
    <script id="jupyter-config-data" type="application/json">
${json}
    </script>
  </head>
  <body>
    <script src="${config.fullStaticUrl}/bundle.js?_=${config.buildId}"></script>
  </body>
</html>
`;
}

/**
 * @param {object} options
 * @param {string} options.siteDir      output folder (emptied)
 * @param {string} options.buildDir     bundler output of the host
 * @param {string[]} options.extensions prebuilt extension folders (dist/ of each)
 * @param {{name: string, source: string, readOnly: boolean}[]} options.mounts
 * @param {object} options.pageConfig   extra page-config options
 */
function buildSite({ siteDir, buildDir, extensions, mounts, pageConfig = {} }) {
  const baseUrl = pageConfig.baseUrl || '/';
  rmrf(siteDir);
  fs.mkdirSync(siteDir, { recursive: true });
  copyDir(buildDir, path.join(siteDir, 'build'));
  fs.copyFileSync(
    path.join(buildDir, 'service-worker.js'),
    path.join(siteDir, 'service-worker.js')
  );
  fs.copyFileSync(
    path.join(__dirname, '..', 'templates', 'favicon.svg'),
    path.join(siteDir, 'favicon.svg')
  );

  const { entries, schemas } = installPrebuiltExtensions(siteDir, extensions);
  fs.writeFileSync(
    path.join(siteDir, 'build', 'schemas', 'all_federated.json'),
    JSON.stringify(schemas)
  );

  const filesDir = path.join(siteDir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  for (const mount of mounts) {
    if (!fs.existsSync(mount.source)) {
      throw new Error(`The folder to mount as ${mount.name}/ does not exist: ${mount.source}`);
    }
    copyDir(mount.source, path.join(filesDir, mount.name));
  }
  // a folder mounted twice (shared/ and its README) is listed once
  const readOnly = [...new Set(mounts.filter(m => m.readOnly).map(m => m.name))];
  writeContentsIndex(siteDir, readOnly);

  const translations = path.join(siteDir, 'api', 'translations');
  fs.mkdirSync(translations, { recursive: true });
  fs.writeFileSync(
    path.join(translations, 'all.json'),
    JSON.stringify({ data: { en: { displayName: 'English', nativeName: 'English' } }, message: '' })
  );
  fs.writeFileSync(path.join(translations, 'en.json'), JSON.stringify({ data: {}, message: '' }));

  const buildId = fs.statSync(path.join(buildDir, 'bundle.js')).mtimeMs.toFixed(0);
  const url = p => `${baseUrl.replace(/\/$/, '')}${p}`;
  const config = {
    appName: 'ODATIS VRE',
    baseUrl,
    appUrl: url('/lab'),
    treeUrl: url('/lab/tree'),
    fullStaticUrl: url('/build'),
    settingsUrl: url('/build/schemas'),
    themesUrl: url('/build/themes'),
    fullLabextensionsUrl: url('/extensions'),
    fullMathjaxUrl: '',
    federated_extensions: entries,
    defaultKernelName: 'neo',
    contentsAllJsonFile: 'all.json',
    readOnlyMounts: readOnly,
    exposeAppInBrowser: 'true',
    notebookStartsKernel: true,
    settingsOverrides: {
      '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false }
    },
    buildId,
    ...pageConfig
  };
  fs.mkdirSync(path.join(siteDir, 'lab'), { recursive: true });
  fs.writeFileSync(path.join(siteDir, 'lab', 'index.html'), pageHtml(config));
  fs.writeFileSync(
    path.join(siteDir, 'jupyter-lite.json'),
    JSON.stringify({ 'jupyter-config-data': config }, null, 2)
  );
  fs.writeFileSync(
    path.join(siteDir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" type="image/svg+xml" href="${config.baseUrl}favicon.svg"><meta http-equiv="refresh" content="0; url=${config.appUrl}/"><a href="${config.appUrl}/">ODATIS VRE</a>\n`
  );
  return config;
}

module.exports = { buildSite };
