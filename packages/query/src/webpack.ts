/**
 * Build-time helper (node) for applications that bundle the browser query worker with webpack 5 (including
 * JupyterLab extensions built by @jupyterlab/builder, whose `jupyterlab.webpackConfig` is merged in).
 *
 * Why it is needed: DuckDB-WASM's package exports send `@duckdb/duckdb-wasm/blocking` to its *node* build
 * for every condition, and do not export the browser build of the synchronous bindings at all. The worker
 * needs that browser build, so the request is aliased to the file.
 */
import * as path from 'node:path';

/**
 * The webpack `resolve.alias` entry that points the worker at DuckDB-WASM's browser blocking build.
 * DuckDB-WASM is looked up from `from` (default: the folder being built, i.e. the extension), so the alias
 * names the same copy the rest of the bundle uses.
 */
export function duckdbBrowserAlias(from: string = process.cwd()): Record<string, string> {
  let wasm: string;
  try {
    wasm = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', { paths: [from] });
  } catch {
    wasm = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm');
  }
  const dist = path.dirname(wasm);
  return { '@duckdb/duckdb-wasm/blocking$': path.join(dist, 'duckdb-browser-blocking.mjs') };
}

/** A webpack config fragment to merge into the application's (or to export as `jupyterlab.webpackConfig`). */
export function queryWebpackConfig(from?: string): { resolve: { alias: Record<string, string> } } {
  return { resolve: { alias: duckdbBrowserAlias(from) } };
}
