/**
 * Entry of the NEO kernel's Web Worker. The page starts it with
 * `new Worker(new URL('@odatis-vre/kernel/lib/worker.js', import.meta.url))`. It exposes the worker API
 * at once and loads the kernel core behind it (see worker-core.ts for why it is a separate module).
 */
import { expose } from 'comlink';
import type { NeoWorkerApi, WorkerOutputMessage } from './protocol';

declare const self: { postMessage(message: WorkerOutputMessage): void };

const loading = import('./worker-core').then(module =>
  module.createWorkerApi(message => self.postMessage(message))
);

const api: NeoWorkerApi = {
  start: async port => (await loading).start(port),
  execute: async (code, count) => (await loading).execute(code, count),
  complete: async (code, cursor) => (await loading).complete(code, cursor),
  inspect: async (code, cursor, detail) => (await loading).inspect(code, cursor, detail),
  isComplete: async code => (await loading).isComplete(code),
  interrupt: async () => (await loading).interrupt()
};

expose(api);
