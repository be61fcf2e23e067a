import * as path from 'path';

/**
 * Where test/browser/server-engine.spec.ts writes the dataset it generates (larger than the browser engine's
 * memory), in "your folder" of the server engine: for `npm start`, ODATIS_VRE_USER_DIR (set by
 * test/playwright.config.ts); for a stock JupyterLab, a folder in the server's root (test/stock/server.js),
 * which is the user's folder there.
 */
export const SERVER_ENGINE_DATA = {
  embedded: path.resolve(__dirname, '..', 'test-results', 'server-engine-user'),
  stock: path.resolve(__dirname, '..', 'test-results', 'stock-server', 'root', 'server-engine-data')
};
