import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import {
  Contents,
  IDefaultDrive,
  IServerSettings,
  ISettingManager,
  type ServerConnection,
  type Setting
} from '@jupyterlab/services';
import { ILocalForage } from '@jupyterlite/localforage';
import { MountedBrowserDrive } from './drive';
import { SchemaCachingSettings } from './settings';

export { MountedBrowserDrive } from './drive';
export { SchemaCachingSettings } from './settings';

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

/**
 * The settings service: JupyterLite's, in browser storage, reading the plugins' schemas once per page
 * (in place of `@jupyterlite/services-extension:settings`, disabled in package.json).
 */
const settingManager: JupyterFrontEndPlugin<Setting.IManager> = {
  id: '@odatis-vre/app:settings',
  description: 'Browser-storage settings, with the schemas read once per page.',
  autoStart: true,
  provides: ISettingManager,
  requires: [ILocalForage],
  optional: [IServerSettings],
  activate: (
    _app: JupyterFrontEnd,
    forage: ILocalForage,
    serverSettings: ServerConnection.ISettings | null
  ) =>
    new SchemaCachingSettings({
      storageName:
        PageConfig.getOption('settingsStorageName') ||
        `JupyterLite Storage - ${PageConfig.getOption('baseUrl')}`,
      storageDrivers: JSON.parse(PageConfig.getOption('settingsStorageDrivers') || 'null'),
      localforage: forage.localforage,
      serverSettings: serverSettings ?? undefined
    })
};

export default [mountedDrive, settingManager];
