import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { Contents, IDefaultDrive } from '@jupyterlab/services';
import { ILocalForage } from '@jupyterlite/localforage';
import { MountedBrowserDrive } from './drive';

export { MountedBrowserDrive } from './drive';

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

export default [mountedDrive];
