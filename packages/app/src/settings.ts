import { Settings } from '@jupyterlite/services';

/** A plugin's schema and settings, as the setting registry takes them. */
type Plugin = Awaited<ReturnType<Settings['fetch']>>;

/**
 * The in-browser settings service, with every plugin's schema read once per page.
 *
 * JupyterLite's `Settings.fetch(id)` lists every plugin to answer for one: it downloads `all.json` and
 * `all_federated.json` again (120 KB) and reads each plugin's stored settings (about 200 storage reads)
 * each time. The setting registry fetches one plugin at a time for those it did not preload (the ones
 * with transforms: shortcuts, menus, toolbars), so a page start paid for four or five full listings.
 * Here the schemas (with the page config's overrides) are kept from the first listing, and `fetch(id)`
 * reads only that plugin's stored settings. What is stored is still read on every call, so settings
 * saved since are never stale; the schemas are build output and do not change while the page lives.
 */
export class SchemaCachingSettings extends Settings {
  async list(query?: 'ids'): Promise<{ ids: string[]; values: Plugin[] }> {
    const listed = super.list(query);
    if (!query && !this.schemas) {
      // A copy: the registry changes the objects it is given (their data, raw and schema defaults).
      this.schemas = listed.then(({ values }) => values.map(Private.pristine));
      this.schemas.catch(() => (this.schemas = null)); // a failed download is tried again next time
    }
    return listed;
  }

  async fetch(pluginId: string): Promise<Plugin> {
    this.schemas ??= super.list().then(({ values }) => values.map(Private.pristine));
    const plugin = (await this.schemas).find(p => p.id === pluginId);
    if (!plugin) {
      throw new Error(`Setting ${pluginId} not found`);
    }
    const stored = (await (await this.storage).getItem(pluginId)) as string | null;
    return {
      ...structuredClone(plugin),
      raw: stored ?? plugin.raw,
      data: { composite: {}, user: {} }
    };
  }

  private schemas: Promise<Plugin[]> | null = null;
}

namespace Private {
  /**
   * A plugin as the schema files give it: the raw settings every plugin starts from in `all.json`
   * (scripts/host.js `settingsIndex`: `{}`), whatever the user stored.
   */
  export function pristine(plugin: Plugin): Plugin {
    const copy = structuredClone({ ...plugin, raw: '{}', data: { composite: {}, user: {} } });
    delete (copy as { settings?: unknown }).settings; // the parsed stored settings of JupyterLite's listing
    return copy;
  }
}
