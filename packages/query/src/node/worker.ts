/**
 * Entry of the node query worker (worker_threads): DuckDB-WASM core exposed with comlink, as the browser
 * worker does, so the worker path (proxy, cancel, crash restart) is exercised in node tests.
 */
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/umd/node-adapter';
import { exposeQueryWorker } from '../worker-api';
import { createNodeWasmCore } from './wasm';

if (!parentPort) {
  throw new Error(
    '@odatis-vre/query/lib/node/worker.js must be started as a worker_threads Worker.'
  );
}
exposeQueryWorker(nodeEndpoint(parentPort), init => createNodeWasmCore(init));
