import {
  DefaultSchemaValidator,
  type ISchemaValidator,
  type ISettingRegistry
} from '@jupyterlab/settingregistry';
import { JSONExt, type PartialJSONObject } from '@lumino/coreutils';
import { Settings } from '@jupyterlite/services';
import { schemaHash } from './schemahash';

/** A plugin's schema and settings, as the setting registry takes them. */
type Plugin = Awaited<ReturnType<Settings['fetch']>>;

/**
 * The in-browser settings service, with every plugin's schema read once per page.
 *
 * JupyterLite's `Settings` downloads `all.json` and `all_federated.json` (120 KB) and reads every plugin's
 * stored settings each time it is asked for one plugin (`fetch(id)`) or for all (`list()`). The setting
 * registry preloads the list, fetches one plugin at a time for those it did not preload (the ones with
 * transforms: shortcuts, menus, toolbars) and lists again once the application is restored: a page start
 * downloaded the schemas five times. Here they are downloaded once (JupyterLite's own listing, with the
 * page config's overrides), and `fetch(id)` reads only that plugin's stored settings. What is stored is
 * read on every call, so settings saved since are never stale; the schemas are build output and do not
 * change while the page lives.
 */
export class SchemaCachingSettings extends Settings {
  async list(query?: 'ids'): Promise<{ ids: string[]; values: Plugin[] }> {
    const schemas = await this.schemas();
    const values = await Promise.all(schemas.map(plugin => this.withStored(plugin)));
    return { ids: values.map(plugin => plugin.id), values: query ? [] : values };
  }

  async fetch(pluginId: string): Promise<Plugin> {
    const plugin = (await this.schemas()).find(p => p.id === pluginId);
    if (!plugin) {
      throw new Error(`Setting ${pluginId} not found`);
    }
    return this.withStored(plugin);
  }

  /** Every plugin's schema, from the first listing; a failed download is tried again next time. */
  private schemas(): Promise<Plugin[]> {
    if (!this.listed) {
      this.listed = super.list().then(({ values }) => values.map(Private.pristine));
      this.listed.catch(() => (this.listed = null));
    }
    return this.listed;
  }

  /** A copy of `plugin` (the registry changes what it is given) with what the user stored, if anything. */
  private async withStored(plugin: Plugin): Promise<Plugin> {
    const stored = (await (await this.storage).getItem(plugin.id)) as string | null;
    return { ...structuredClone(plugin), raw: stored ?? plugin.raw };
  }

  private listed: Promise<Plugin[]> | null = null;
}

/** A plugin of the schema listings, with its default settings composed at build time. */
type Precomposed = ISettingRegistry.IPlugin & {
  precomposed?: { schemaHash: string; composite: PartialJSONObject };
};

/**
 * The setting registry's validator, without compiling any validator for plugins whose user changed
 * nothing. JupyterLab's (Ajv) compiles two validators per schema — about 130 for a page — before any
 * plugin with settings starts: the site's schema listings carry what those validators would give for
 * empty settings (`precomposeSettings` in packages/app/scripts/host.js, with the same Ajv and options),
 * used when the schema being validated is the one composed (same hash: a transform or an override
 * changes it). Anything else — stored settings, a changed schema, a save — goes to JupyterLab's validator,
 * made on first use.
 */
export class PrecomposedSchemaValidator implements ISchemaValidator {
  validateData(
    plugin: ISettingRegistry.IPlugin,
    populate = true
  ): ISchemaValidator.IError[] | null {
    const { precomposed } = plugin as Precomposed;
    if (
      precomposed &&
      plugin.raw.trim() === '{}' &&
      precomposed.schemaHash === schemaHash(JSON.stringify(plugin.schema))
    ) {
      if (populate) {
        plugin.data = { composite: JSONExt.deepCopy(precomposed.composite), user: {} };
      }
      return null;
    }
    this.ajv ??= new DefaultSchemaValidator();
    return this.ajv.validateData(plugin, populate);
  }

  private ajv: DefaultSchemaValidator | null = null;
}

namespace Private {
  /**
   * A plugin as the schema files give it: `raw` is the one every plugin starts from in `all.json` and
   * `all_federated.json` (`settingsIndex` in scripts/host.js writes `{}`), whatever the user stored.
   */
  export function pristine(plugin: Plugin): Plugin {
    const copy = structuredClone({ ...plugin, raw: '{}', data: { composite: {}, user: {} } });
    delete (copy as { settings?: unknown }).settings; // JupyterLite's parse of the stored settings
    return copy;
  }
}
