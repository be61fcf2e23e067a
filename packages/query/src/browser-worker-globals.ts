/**
 * Imported first by the browser worker. DuckDB-WASM's browser build (emscripten) reads `__filename` when it
 * runs without a `document` (in a worker), and a bundled ES module has no such variable: give it the worker's
 * own URL, which is what it wants it for.
 */
const scope = globalThis as { __filename?: string; location?: { href: string } };
scope.__filename ??= scope.location?.href ?? '';
