import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { Contents, IDefaultDrive } from '@jupyterlab/services';
import { ILocalForage } from '@jupyterlite/localforage';
import { IKernelSpecs } from '@jupyterlite/services';
import { MountedBrowserDrive } from './drive';
import { VreJavaScriptKernel } from './kernel';

export { MountedBrowserDrive } from './drive';

const JS_LOGO =
  'data:image/svg+xml;base64,' +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="6" fill="#f7df1e"/>' +
      '<text x="34" y="56" font-family="sans-serif" font-weight="bold" font-size="30" fill="#000">JS</text></svg>'
  );

/**
 * The in-browser JavaScript kernel (runs in a Web Worker). Registered by the host because
 * the kernel's own npm extension package does not ship its assets; ours also awaits promises.
 */
const javascriptKernel: JupyterFrontEndPlugin<void> = {
  id: '@odatis-vre/app:javascript-kernel',
  description: 'Registers the in-browser JavaScript kernel.',
  autoStart: true,
  requires: [IKernelSpecs],
  activate: (_app: JupyterFrontEnd, kernelspecs: IKernelSpecs) => {
    kernelspecs.register({
      spec: {
        name: 'javascript',
        display_name: 'JavaScript (Web Worker)',
        language: 'javascript',
        argv: [],
        resources: { 'logo-32x32': JS_LOGO, 'logo-64x64': JS_LOGO }
      },
      // The kernel package is typed against an older @jupyterlite/kernel; the shape is the same.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      create: async (options: any) => new VreJavaScriptKernel(options) as any
    });
  }
};

/**
 * The default drive: browser storage, with the folders listed in the page config option
 * `readOnlyMounts` (JSON array) served read-only from the site.
 */
const mountedDrive: JupyterFrontEndPlugin<Contents.IDrive> = {
  id: '@odatis-vre/app:default-drive',
  description: 'Browser-storage drive with read-only shared-data mounts.',
  autoStart: true,
  provides: IDefaultDrive,
  requires: [ILocalForage],
  activate: (_app: JupyterFrontEnd, forage: ILocalForage) => {
    const baseUrl = PageConfig.getOption('baseUrl');
    return new MountedBrowserDrive({
      storageName:
        PageConfig.getOption('contentsStorageName') || `JupyterLite Storage - ${baseUrl}`,
      storageDrivers: JSON.parse(PageConfig.getOption('contentsStorageDrivers') || 'null'),
      localforage: forage.localforage,
      readOnlyMounts: JSON.parse(PageConfig.getOption('readOnlyMounts') || '[]')
    });
  }
};

export default [javascriptKernel, mountedDrive];
