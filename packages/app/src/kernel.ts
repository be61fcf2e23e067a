import { JavaScriptKernel } from '@jupyterlite/javascript-kernel';

/** The in-browser JavaScript kernel of the VRE; see kernel-worker.ts for what it adds. */
export class VreJavaScriptKernel extends JavaScriptKernel {
  protected initWorker(): Worker {
    return new Worker(new URL('./kernel-worker.js', import.meta.url), { type: 'module' });
  }
}
