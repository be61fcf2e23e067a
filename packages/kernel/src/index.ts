/**
 * @odatis-vre/kernel: the NEO kernel. The page side (the JupyterLite kernel, the session host, the kernel
 * client and the hybrid service managers for a stock JupyterLab) is exported here; the worker side is
 * `lib/worker.js`, started by the application's bundler.
 */
export * from './kernel';
export * from './isolated-worker';
export * from './host';
export * from './client';
export * from './hybrid';
export * from './spec';
export type * from './protocol';
