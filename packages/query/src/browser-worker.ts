/**
 * Entry of the browser query worker. The application starts it with
 * `new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url))`; its bundler bundles
 * DuckDB-WASM's browser blocking build into it. The engine core (DuckDBWasmCore) runs here, exposed with
 * comlink; the wasm files come from the URLs given to `init`. The core is imported on `init` (see
 * browser-worker-core.ts for why), so this entry itself imports nothing but comlink.
 */
import './browser-worker-globals';
import type * as Comlink from 'comlink';
import { exposeQueryWorker } from './worker-api';

declare const self: Comlink.Endpoint;

exposeQueryWorker(self, async init =>
  (await import('./browser-worker-core.js')).createBrowserCore(init)
);
