/// <reference lib="webworker" />
import { expose } from 'comlink';
import { JavaScriptRemoteKernel } from '@jupyterlite/javascript-kernel/lib/worker';

/**
 * The worker side of the VRE's JavaScript kernel. Unlike the stock kernel, a cell whose value
 * is a promise (a `fetch` of shared data, say) shows what the promise resolves to, or its error.
 */
class AwaitingRemoteKernel extends JavaScriptRemoteKernel {
  async execute(content: { code: string }, _parent: unknown) {
    // The stock kernel's helpers are private in its typings but are plain members at run time.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const base = this as any;
    try {
      let result = self.eval(content.code);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        result = await result;
      }
      base._executionCount++;
      const textPlain = base._inspect(result);
      // Like other kernels, a cell whose value is undefined has no result (no empty Out[]).
      if (typeof textPlain === 'string') {
        const bundle = {
          data: { 'text/plain': textPlain },
          metadata: {},
          execution_count: base._executionCount
        };
        postMessage({ type: 'execute_result', bundle });
      }
      return { status: 'ok', user_expressions: {} };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const bundle = {
        ename: error.name,
        evalue: error.message,
        traceback: [`${error.stack ?? error}`]
      };
      postMessage({ type: 'execute_error', bundle });
      return { status: 'error', ...bundle };
    }
  }
}

expose(new AwaitingRemoteKernel());
