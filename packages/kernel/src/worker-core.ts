/**
 * The kernel core behind the worker boundary: `worker.ts` loads this module once the worker has started
 * (it imports apache-arrow, which the extension shares with the page through module federation: a worker's
 * entry cannot consume a shared module synchronously, a module loaded with import() can).
 */
import { wrap } from 'comlink';
import { catalogueMessages } from '@odatis-vre/harmonised';
import { NeoKernelCore } from './core';
import { KERNEL_MESSAGES } from './plot';
import type { NeoHost, NeoWorkerApi, WorkerOutputMessage } from './protocol';

export function createWorkerApi(post: (message: WorkerOutputMessage) => void): NeoWorkerApi {
  let core: NeoKernelCore | null = null;
  const ready = (): NeoKernelCore => {
    if (!core) {
      throw new Error('The NEO kernel worker was used before start().');
    }
    return core;
  };
  return {
    async start(hostPort) {
      const host = wrap<NeoHost>(hostPort as MessagePort) as unknown as NeoHost;
      core = new NeoKernelCore({
        host,
        engine: await host.engine(),
        emit: output => post({ neoOutput: output }),
        // Plots and tables are drawn here, synchronously: their messages' translations are fetched once, now.
        trans: catalogueMessages(await host.messages(KERNEL_MESSAGES))
      });
    },
    execute: async (code, executionCount) => ready().execute(code, executionCount),
    complete: async (code, cursor) => ready().complete(code, cursor),
    inspect: async (code, cursor, detailLevel) => ready().inspect(code, cursor, detailLevel),
    isComplete: async code => ready().isComplete(code),
    interrupt: async () => ready().interrupt()
  };
}
