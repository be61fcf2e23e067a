import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  IKernelManager,
  IKernelSpecManager,
  IServerSettings,
  ISessionManager,
  type Contents,
  type Kernel,
  type KernelSpec,
  type ServerConnection,
  type ServiceManagerPlugin,
  type Session
} from '@jupyterlab/services';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IKernelClient, IKernelSpecs, KernelSpecs } from '@jupyterlite/services';
import {
  HybridKernelManager,
  HybridKernelSpecManager,
  HybridSessionManager,
  InterruptibleKernelClient,
  IsolatedWorker,
  NEO_KERNEL_SPEC,
  NeoKernel,
  SessionHost
} from '@odatis-vre/kernel';
import type { QueryEngine } from '@odatis-vre/query';
import { IHarmonisedDataset, IQueryEngine, QueryableFiles } from '@odatis-vre/services';

const ID = '@odatis-vre/kernel-extension';

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function lastModified(contents: Contents.IManager, path: string): Promise<string | null> {
  try {
    const model = await contents.get(path, { content: false });
    return model.type === 'directory' ? null : model.last_modified;
  } catch {
    return null;
  }
}

/** Registers the NEO kernel in the in-browser kernel-spec registry (JupyterLite's `IKernelSpecs`). */
const kernel: JupyterFrontEndPlugin<void> = {
  id: `${ID}:kernel`,
  description: 'Registers the NEO kernel (SQL + JavaScript, in a Web Worker).',
  autoStart: true,
  requires: [IKernelSpecs, IQueryEngine],
  optional: [IHarmonisedDataset, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    kernelSpecs: IKernelSpecs,
    engine: QueryEngine,
    harmonised: IHarmonisedDataset | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const contents = app.serviceManager.contents;
    // Files by path are read through the contents service: the same for browser storage and a server.
    const files = new QueryableFiles({
      engine,
      read: async path => {
        const model = await contents.get(path, { type: 'file', format: 'base64', content: true });
        const content = String(model.content);
        return {
          bytes:
            model.format === 'base64' ? base64ToBytes(content) : new TextEncoder().encode(content),
          lastModified: model.last_modified
        };
      },
      lastModified: path => lastModified(contents, path)
    });
    kernelSpecs.register({
      spec: { ...NEO_KERNEL_SPEC, display_name: trans.__(NEO_KERNEL_SPEC.display_name) },
      create: async options => {
        const host = new SessionHost({
          engine,
          harmonised,
          files,
          location: options.location,
          exists: async path => (await lastModified(contents, path)) !== null,
          trans
        });
        // Attach the shared data while the kernel starts: the first %%sql is then quicker. A failure is
        // shown by the data services (notification, status bar) and again by any query that needs it.
        host.warmUp();
        return new NeoKernel({
          ...options,
          // In a process of its own: a cell that exhausts the worker's memory costs the kernel, not the tab.
          // (The bundler makes `IsolatedWorker(new URL(…))` a worker entry, as it does `new Worker(new URL(…))`.)
          createWorker: () =>
            new IsolatedWorker(new URL('@odatis-vre/kernel/lib/worker.js', import.meta.url), {
              frameScriptUrl: new URL('@odatis-vre/kernel/lib/isolation-frame.js', import.meta.url)
            }),
          host,
          trans
        });
      }
    });
  }
};

/**
 * JupyterLite's in-browser kernel client, whose interrupt also stops the running cell of a kernel that can
 * (the NEO kernel). Replaces `@jupyterlite/services-extension:kernel-client` in the embedded VRE.
 */
const kernelClient: ServiceManagerPlugin<IKernelClient> = {
  id: `${ID}:kernel-client`,
  description: 'The client of in-browser kernels, with interrupt.',
  autoStart: true,
  provides: IKernelClient,
  requires: [IKernelSpecs],
  optional: [IServerSettings],
  activate: (
    _: null,
    kernelSpecs: IKernelSpecs,
    serverSettings: ServerConnection.ISettings | null
  ): IKernelClient =>
    new InterruptibleKernelClient({ kernelSpecs, serverSettings: serverSettings ?? undefined })
};

// In a stock JupyterLab (≥ 4.4), the four plugins below put in-browser kernels next to the server's. The
// package disables JupyterLab's own kernel, kernel spec and session managers (jupyterlab.disabledExtensions);
// the embedded VRE, which has no server, disables these four and keeps JupyterLite's.

/** The in-browser kernel-spec registry (JupyterLite provides it in the embedded VRE). */
const kernelSpecs: ServiceManagerPlugin<IKernelSpecs> = {
  id: `${ID}:kernel-specs`,
  description: 'The registry of in-browser kernel specs (stock JupyterLab).',
  autoStart: true,
  provides: IKernelSpecs,
  activate: (): IKernelSpecs => new KernelSpecs()
};

const kernelSpecManager: ServiceManagerPlugin<KernelSpec.IManager> = {
  id: `${ID}:kernel-spec-manager`,
  description: 'Kernel specs of the server and of the browser (stock JupyterLab).',
  autoStart: true,
  provides: IKernelSpecManager,
  requires: [IKernelSpecs],
  optional: [IServerSettings],
  activate: (
    _: null,
    specs: IKernelSpecs,
    serverSettings: ServerConnection.ISettings | null
  ): KernelSpec.IManager =>
    new HybridKernelSpecManager({ kernelSpecs: specs, serverSettings: serverSettings ?? undefined })
};

const kernelManager: ServiceManagerPlugin<Kernel.IManager> = {
  id: `${ID}:kernel-manager`,
  description: 'Kernels of the server and of the browser (stock JupyterLab).',
  autoStart: true,
  provides: IKernelManager,
  requires: [IKernelClient, IKernelSpecs],
  optional: [IServerSettings],
  activate: (
    _: null,
    kernelClient: IKernelClient,
    specs: IKernelSpecs,
    serverSettings: ServerConnection.ISettings | null
  ): Kernel.IManager =>
    new HybridKernelManager({
      kernelClient,
      kernelSpecs: specs,
      serverSettings: serverSettings ?? undefined
    })
};

const sessionManager: ServiceManagerPlugin<Session.IManager> = {
  id: `${ID}:session-manager`,
  description: 'Sessions on server kernels and on in-browser kernels (stock JupyterLab).',
  autoStart: true,
  provides: ISessionManager,
  requires: [IKernelClient, IKernelManager, IKernelSpecs],
  optional: [IServerSettings],
  activate: (
    _: null,
    kernelClient: IKernelClient,
    kernelManager: Kernel.IManager,
    specs: IKernelSpecs,
    serverSettings: ServerConnection.ISettings | null
  ): Session.IManager =>
    new HybridSessionManager({
      kernelClient,
      kernelManager,
      kernelSpecs: specs,
      serverSettings: serverSettings ?? undefined
    })
};

export default [
  kernel,
  kernelClient,
  kernelSpecs,
  kernelSpecManager,
  kernelManager,
  sessionManager
];
