import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingConnector, ISettingRegistry, SettingRegistry } from '@jupyterlab/settingregistry';
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
import { PrecomposedSchemaValidator, SchemaCachingSettings } from './settings';

export { MountedBrowserDrive } from './drive';
export { PrecomposedSchemaValidator, SchemaCachingSettings } from './settings';
export { schemaHash } from './schemahash';

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

/**
 * The setting registry (in place of `@jupyterlab/apputils-extension:settings`, disabled in package.json):
 * the same, with a validator that uses the default settings composed at build time.
 */
const settingRegistry: JupyterFrontEndPlugin<ISettingRegistry> = {
  id: '@odatis-vre/app:setting-registry',
  description: 'The setting registry, with default settings composed at build time.',
  autoStart: true,
  provides: ISettingRegistry,
  requires: [ISettingConnector],
  activate: async (app: JupyterFrontEnd, connector: ISettingConnector) => {
    // Only the plugins of this application (as JupyterLab's registry plugin does).
    const plugins = (await connector.list('active')).values.filter(value =>
      app.hasPlugin(value.id)
    );
    const registry = new SettingRegistry({
      connector,
      plugins,
      validator: new PrecomposedSchemaValidator()
    });
    // Settings of plugins the preload left out (e.g. waiting for a transform) once the layout is
    // restored, as JupyterLab's registry plugin does.
    void app.restored.then(async () => {
      const { ids } = await connector.list('ids');
      for (const id of ids) {
        if (!app.hasPlugin(id) || PageConfig.Extension.isDisabled(id) || id in registry.plugins) {
          continue;
        }
        registry.load(id).catch(error => {
          console.warn(`Settings failed to load for (${id})`, error);
        });
      }
    });
    return registry;
  }
};

export default [mountedDrive, settingManager, settingRegistry];
