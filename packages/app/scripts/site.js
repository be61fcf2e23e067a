// Assembles the static site of the embedded VRE: the host bundle, the prebuilt extensions,
// the read-only mounts (sample data, examples) with their contents listings, and the page
// configuration that replaces a Jupyter server. It does what `jupyter lite build` does, in node.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { precomposeSettings, settingsIndex } = require('./host');
const { LANGUAGES, translationsApi } = require('../../../scripts/messages');

/** Page-config `settingsOverrides` of the site unless the caller gives its own. */
const SETTINGS_OVERRIDES = {
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false }
};
const PRECOMPOSED_CACHE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'node_modules',
  '.cache',
  'odatis-vre'
);

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

/**
 * Writes the site in place, so that a start with nothing changed copies nothing: a file is copied only when
 * its size or modification time differs from the site's copy (copies keep the source's modification
 * time), a generated file is written only when its text differs, and `prune()` removes whatever the
 * build no longer produces. Copies are plain files with no write bits carried over from read-only
 * sources (0644, folders 0755), links followed.
 */
class SiteWriter {
  constructor(siteDir) {
    this.siteDir = siteDir;
    /** site-relative path → source file, later mounts overriding earlier ones */
    this.copies = new Map();
    this.folders = new Set();
    this.produced = new Set();
    fs.mkdirSync(siteDir, { recursive: true });
  }

  /** Plans the copy of every file under `from` to `rel` in the site. */
  planTree(from, rel) {
    this.folders.add(rel);
    for (const item of fs.readdirSync(from)) {
      const source = path.join(from, item);
      const target = path.posix.join(rel, item);
      if (fs.statSync(source).isDirectory()) this.planTree(source, target);
      else this.copies.set(target, source);
    }
  }

  /** Plans the copy of one file. */
  planFile(source, rel) {
    this.copies.set(rel, source);
  }

  /** Copies the planned files that differ from the site's. */
  applyCopies() {
    for (const rel of this.folders) {
      const dir = path.join(this.siteDir, ...rel.split('/'));
      const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) fs.rmSync(dir, { force: true });
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    }
    for (const [rel, source] of this.copies) {
      const target = this.prepare(rel);
      const from = fs.statSync(source);
      const to = fs.lstatSync(target, { throwIfNoEntry: false });
      const same =
        to && to.isFile() && to.size === from.size && Math.abs(to.mtimeMs - from.mtimeMs) < 1; // set by utimes, to about a microsecond
      if (!same) {
        if (to) fs.rmSync(target, { recursive: true, force: true });
        fs.copyFileSync(source, target);
        fs.utimesSync(target, from.atimeMs / 1000, from.mtimeMs / 1000);
      }
      if (!same || (to.mode & 0o777) !== 0o644) fs.chmodSync(target, 0o644);
    }
  }

  /** Writes a generated file unless the site already has this text. */
  write(rel, text) {
    const target = this.prepare(rel);
    const existing = fs.lstatSync(target, { throwIfNoEntry: false });
    if (existing && existing.isFile() && fs.readFileSync(target, 'utf8') === text) return;
    if (existing) fs.rmSync(target, { recursive: true, force: true });
    fs.writeFileSync(target, text);
  }

  /** Removes the files and folders of the site (under `under`) that this build did not produce. */
  prune(under = '') {
    const visit = (dir, rel) => {
      let left = 0;
      for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, item.name);
        const itemRel = rel ? `${rel}/${item.name}` : item.name;
        if (item.isDirectory() && (visit(full, itemRel) > 0 || this.folders.has(itemRel))) left++;
        else if (!item.isDirectory() && this.produced.has(itemRel)) left++;
        else fs.rmSync(full, { recursive: true, force: true });
      }
      return left;
    };
    const start = path.join(this.siteDir, ...under.split('/').filter(Boolean));
    if (fs.existsSync(start)) visit(start, under);
  }

  /** The site path of `rel`, its folders created (0755), marked as produced. */
  prepare(rel) {
    this.produced.add(rel);
    const target = path.join(this.siteDir, ...rel.split('/'));
    const parent = path.dirname(target);
    const stat = fs.lstatSync(parent, { throwIfNoEntry: false });
    if (!stat || !stat.isDirectory()) {
      // A file where a folder is now wanted goes.
      for (let dir = parent; dir !== this.siteDir; dir = path.dirname(dir)) {
        const s = fs.lstatSync(dir, { throwIfNoEntry: false });
        if (s && !s.isDirectory()) fs.rmSync(dir, { force: true });
      }
      fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    }
    return target;
  }
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
function writeContentsIndex(siteDir, readOnly, writer) {
  const filesDir = path.join(siteDir, 'files');
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
    writer.write(path.posix.join('api', 'contents', rel, 'all.json'), JSON.stringify(model));
    for (const child of model.content) {
      if (child.type === 'directory') walk(child.path);
    }
  };
  walk('');
}

/** Copies prebuilt extensions and returns their page-config entries and federated schemas. */
function installPrebuiltExtensions(writer, extensionDirs) {
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
    writer.planTree(dir, `extensions/${meta.name}`);
    entries.push({ name: meta.name, version: meta.version, ...build });
    const schemaDir = path.join(dir, 'schemas');
    if (fs.existsSync(schemaDir)) schemas.push(...settingsIndex(schemaDir));
  }
  return { entries, schemas };
}

/**
 * `precomposeSettings` of the entries as JSON text, kept under node_modules/.cache for the next start
 * (composing them takes a second or two; a start with nothing changed reuses them).
 */
function precomposed(name, entries, overrides) {
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([entries, overrides]))
    .digest('hex');
  const cacheFile = path.join(PRECOMPOSED_CACHE, `precomposed-${name}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    if (cached.key === key) return cached.text;
  } catch {
    // no cache yet, or an unreadable one: compose again
  }
  const text = JSON.stringify(precomposeSettings(entries, overrides));
  fs.mkdirSync(PRECOMPOSED_CACHE, { recursive: true });
  fs.writeFileSync(cacheFile, JSON.stringify({ key, text }));
  return text;
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
 * @param {string} options.siteDir      output folder (updated in place: see SiteWriter)
 * @param {string} options.buildDir     bundler output of the host
 * @param {string[]} options.extensions prebuilt extension folders (dist/ of each)
 * @param {{name: string, source: string, readOnly: boolean}[]} options.mounts
 * @param {object} options.pageConfig   extra page-config options
 */
function buildSite({ siteDir, buildDir, extensions, mounts, pageConfig = {} }) {
  const baseUrl = pageConfig.baseUrl || '/';
  const site = new SiteWriter(siteDir);
  site.planTree(buildDir, 'build');
  site.copies.delete('build/schemas/all.json'); // written below, with the settings precomposed
  site.planFile(path.join(buildDir, 'service-worker.js'), 'service-worker.js');
  site.planFile(path.join(__dirname, '..', 'templates', 'favicon.svg'), 'favicon.svg');
  const { entries, schemas } = installPrebuiltExtensions(site, extensions);
  site.folders.add('files');
  for (const mount of mounts) {
    if (!fs.existsSync(mount.source)) {
      throw new Error(`The folder to mount as ${mount.name}/ does not exist: ${mount.source}`);
    }
    site.planTree(mount.source, `files/${mount.name}`);
  }
  site.applyCopies();
  // The schema listings, with each plugin's default settings composed here rather than on the page.
  const overrides = pageConfig.settingsOverrides ?? SETTINGS_OVERRIDES;
  const coreListing = path.join(buildDir, 'schemas', 'all.json');
  if (fs.existsSync(coreListing)) {
    const coreSchemas = JSON.parse(fs.readFileSync(coreListing, 'utf8'));
    site.write('build/schemas/all.json', precomposed('all', coreSchemas, overrides));
  }
  site.write('build/schemas/all_federated.json', precomposed('all_federated', schemas, overrides));

  // What earlier builds mounted and this one does not is gone before the folders are listed.
  site.prune('files');
  // a folder mounted twice (shared/ and its README) is listed once
  const readOnly = [...new Set(mounts.filter(m => m.readOnly).map(m => m.name))];
  writeContentsIndex(siteDir, readOnly, site);

  // JupyterLab's translation API as files: the languages to choose from, and our catalogue in each (JupyterLab's
  // own strings stay English: there is no language pack of JupyterLab here).
  site.write('api/translations/all.json', JSON.stringify(translationsApi('all')));
  site.write('api/translations/en.json', JSON.stringify(translationsApi('en')));
  for (const language of Object.keys(LANGUAGES)) {
    site.write(`api/translations/${language}.json`, JSON.stringify(translationsApi(language)));
  }

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
    settingsOverrides: SETTINGS_OVERRIDES,
    buildId,
    ...pageConfig
  };
  site.write('lab/index.html', pageHtml(config));
  site.write('jupyter-lite.json', JSON.stringify({ 'jupyter-config-data': config }, null, 2));
  site.write(
    'index.html',
    `<!doctype html><meta charset="utf-8"><link rel="icon" type="image/svg+xml" href="${config.baseUrl}favicon.svg"><meta http-equiv="refresh" content="0; url=${config.appUrl}/"><a href="${config.appUrl}/">ODATIS VRE</a>\n`
  );
  site.prune();
  return config;
}

module.exports = { buildSite };
