// The server engine of the embedded default: native DuckDB next to the shared data, answering the query
// contract of @odatis-vre/query (lib/server-protocol) under /odatis-vre/query/. Fenced to the shared folder
// (and the user's folder, ODATIS_VRE_USER_DIR, where there is one on this machine).
const fs = require('fs');
const path = require('path');

/** Settings from the environment, with their defaults. */
function queryServerSettings(env = process.env) {
  return {
    enabled: env.ODATIS_VRE_QUERY_SERVER !== '0',
    timeoutMs: Number(env.ODATIS_VRE_QUERY_TIMEOUT_S || 120) * 1000,
    memoryLimit: env.ODATIS_VRE_QUERY_MEMORY || '1GB',
    maxConcurrent: Number(env.ODATIS_VRE_QUERY_CONCURRENCY || 2),
    maxQueued: Number(env.ODATIS_VRE_QUERY_QUEUE || 8),
    threads: env.ODATIS_VRE_QUERY_THREADS ? Number(env.ODATIS_VRE_QUERY_THREADS) : undefined,
    userDir: env.ODATIS_VRE_USER_DIR || null
  };
}

/** The harmonised dataset of a folder, as attachHarmonised wants it (null when there is none). */
function harmonisedDatasetOf(folder) {
  const catalogFile = path.join(folder, 'catalog.json');
  if (!fs.existsSync(catalogFile)) return null;
  const catalog = JSON.parse(fs.readFileSync(catalogFile, 'utf8'));
  const { harmonisedLocations } = require('@odatis-vre/harmonised');
  return harmonisedLocations(catalog, folder);
}

/**
 * Start the server engine for a site (files under `siteDir/files`, the file browser's root: SQL names files
 * by the paths the user sees, e.g. 'shared/harmonised/parquet/…'). Returns null, saying why, when it is
 * switched off or native DuckDB is not installed (an optional dependency): the browser engine still works.
 */
async function startQueryServer(siteDir, env = process.env) {
  const settings = queryServerSettings(env);
  if (!settings.enabled) return null;
  let QueryServer;
  try {
    ({ QueryServer } = require('@odatis-vre/query/lib/node'));
    require('@duckdb/node-api');
  } catch (e) {
    console.warn(`The server engine is off: native DuckDB cannot be loaded (${e.message}).`);
    return null;
  }
  const root = path.join(siteDir, 'files');
  const readable = [{ dir: path.join(root, 'shared'), label: 'shared' }];
  if (settings.userDir)
    readable.push({ dir: path.resolve(settings.userDir), label: 'your folder' });
  try {
    return await QueryServer.create({
      root,
      readable,
      harmonised: harmonisedDatasetOf(path.join(root, 'shared', 'harmonised')),
      timeoutMs: settings.timeoutMs,
      memoryLimit: settings.memoryLimit,
      maxConcurrent: settings.maxConcurrent,
      maxQueued: settings.maxQueued,
      threads: settings.threads
    });
  } catch (e) {
    console.warn(`The server engine is off: it could not start (${e.message}).`);
    return null;
  }
}

module.exports = { startQueryServer, queryServerSettings };
