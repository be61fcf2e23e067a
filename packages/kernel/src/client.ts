/**
 * JupyterLite's kernel client, with an interrupt that reaches the kernel. JupyterLite's own interrupt only
 * cancels the cells still queued; an in-browser kernel that can stop its running cell (`interrupt()`, as
 * the NEO kernel has) is now told to.
 */
import { LiteKernelClient } from '@jupyterlite/services';

/** An in-browser kernel that can stop its running cell. */
export interface IInterruptibleKernel {
  interrupt(): void;
}

function isInterruptible(kernel: unknown): kernel is IInterruptibleKernel {
  return typeof (kernel as IInterruptibleKernel)?.interrupt === 'function';
}

export class InterruptibleKernelClient extends LiteKernelClient {
  async interrupt(kernelId: string): Promise<void> {
    // Queued cells are cancelled first, so none starts when the running one stops.
    await super.interrupt(kernelId);
    // The client's model of a running kernel is the kernel itself.
    const kernel: unknown = await this.getModel(kernelId);
    if (isInterruptible(kernel)) {
      kernel.interrupt();
    }
  }
}
