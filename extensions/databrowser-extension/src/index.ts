import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, showErrorMessage } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { DEPLOYMENT_PAGE_CONFIG_KEY, deploymentOrNone, folderSetting } from '@odatis-vre/vre';
import {
  notebookCell,
  previewRecord,
  remoteSources,
  SharedDataSource,
  sqlFor,
  stationsInArea,
  Transport,
  unappliedFilters,
  type CatalogSource,
  type CellKind,
  type DatasetRecord,
  type RemoteSettings,
  type SearchQuery,
  type SourceId
} from '@odatis-vre/catalog';
import {
  DataBrowserModel,
  DataBrowserPanel,
  DatasetView,
  IDataBrowser,
  type DatasetActions
} from '@odatis-vre/databrowser';
import {
  datasetEngine,
  IHarmonisedDataset,
  IQueryEngine,
  isRoutedEngine
} from '@odatis-vre/services';
import type { QueryEngine } from '@odatis-vre/query';
import type { Catalog } from '@odatis-vre/harmonised';
import { addToMyData, canAddToMyData } from './mydata';
import { contentsSharedData, type SharedData } from './shared';
import databrowserSvg from '../style/databrowser.svg';

const PLUGIN_ID = '@odatis-vre/databrowser-extension:plugin';
/** The SQL workspace's command (sql-extension): opens a workspace on the given `sql`. */
const SQL_NEW = 'odatis-vre:sql-new';

export namespace CommandIDs {
  export const open = 'odatis-vre:databrowser-open';
  export const search = 'odatis-vre:databrowser-search';
  export const openDataset = 'odatis-vre:databrowser-open-dataset';
  export const openSql = 'odatis-vre:databrowser-open-sql';
  export const insertCell = 'odatis-vre:databrowser-insert-cell';
  export const addToMyData = 'odatis-vre:databrowser-add-to-my-data';
}

export const databrowserIcon = new LabIcon({
  name: 'odatis-vre:databrowser',
  svgstr: databrowserSvg
});

/**
 * Requests to the VRE's proxy, authenticated as JupyterLab's own requests to its server are (token,
 * and the XSRF cookie's value that a Jupyter server asks of a POST); other addresses are fetched as is.
 */
function proxyFetch(proxyUrl: string, settings: ServerConnection.ISettings): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(proxyUrl)) return fetch(input, init);
    // The proxy answers `no-store`: no cache-busting parameter is needed.
    return ServerConnection.makeRequest(url, { cache: 'default', ...init }, settings);
  };
}

/** The VRE's proxy, if the server offers one: its address and the hosts it forwards to. */
async function discoverProxy(
  settings: ServerConnection.ISettings
): Promise<{ url: string; hosts: string[] } | null> {
  const url = URLExt.join(settings.baseUrl, 'odatis-vre/proxy');
  try {
    const response = await proxyFetch(url, settings)(url);
    if (!response.ok) return null;
    const body = (await response.json()) as { hosts?: unknown };
    return Array.isArray(body.hosts) ? { url, hosts: body.hosts.map(String) } : null;
  } catch {
    return null;
  }
}

const plugin: JupyterFrontEndPlugin<IDataBrowser> = {
  id: PLUGIN_ID,
  description:
    'The "ODATIS data" panel: search the shared data and the ODATIS catalogues, open, cite, preview and use datasets.',
  autoStart: true,
  provides: IDataBrowser,
  requires: [ISettingRegistry, IRenderMimeRegistry],
  optional: [
    ITranslator,
    INotebookTracker,
    ICommandPalette,
    ILayoutRestorer,
    IHarmonisedDataset,
    IQueryEngine
  ],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    rendermime: IRenderMimeRegistry,
    translator: ITranslator | null,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    harmonised: IHarmonisedDataset | null,
    queryEngine: QueryEngine | null
  ): Promise<IDataBrowser> => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const settings = await settingRegistry.load(PLUGIN_ID);
    const setting = <T>(key: string) => settings.get(key).composite as T;
    // On a Jupyter server, the deployment says where the shared data and its harmonised dataset are.
    const deployment = deploymentOrNone(PageConfig.getOption(DEPLOYMENT_PAGE_CONFIG_KEY));
    const folder = (key: 'sharedDataPath' | 'harmonisedPath') =>
      folderSetting(settings.user[key], deployment[key], settings.default(key) as string);
    // The harmonised dataset's folder and catalogue are the data services' (one read for the SQL workspace,
    // the kernel and this panel); without them, this extension's own settings and contents reads.
    const paths = () => ({
      shared: folder('sharedDataPath'),
      harmonised: harmonised?.path ?? folder('harmonisedPath')
    });
    const contentsShared = contentsSharedData(app, paths);
    const shared: SharedData = harmonised
      ? { ...contentsShared, catalog: () => harmonised.readCatalog() }
      : contentsShared;
    const serverSettings = app.serviceManager.serverSettings;
    const proxy = await discoverProxy(serverSettings);
    const transport = () =>
      new Transport({
        fetch: proxy ? proxyFetch(proxy.url, serverSettings) : undefined,
        proxy: setting<boolean>('useProxy') && proxy ? proxy.url : null,
        proxyHosts: proxy?.hosts ?? null,
        timeoutMs: setting<number>('timeoutSeconds') * 1000
      });

    const model = new DataBrowserModel();
    let sharedSource: CatalogSource | null = null;
    let sharedError: string | null = null;
    /** The shared data's catalogue, once read: where each of its datasets is queried. */
    let sharedCatalog: Catalog | null = null;
    const sessionKey = Math.random().toString(36).slice(2, 10);

    const panel = new DataBrowserPanel({
      model,
      trans,
      onOpen: record => void open(record),
      // Not while the page starts: the panel is often restored open.
      fineCoastlineAfter: app.restored
    });
    panel.id = 'odatis-vre-databrowser';
    panel.title.icon = databrowserIcon;
    panel.title.caption = trans.__('ODATIS data');
    app.shell.add(panel, 'left', { rank: 150 });
    restorer?.add(panel, 'odatis-vre-databrowser');

    /** The shared data answers first and offline; a failure to read it is a source failure like any other. */
    const failingShared: CatalogSource = {
      id: 'shared',
      label: trans.__('Shared data'),
      search: async () => {
        throw new Error(sharedError ?? 'not loaded');
      },
      record: async () => {
        throw new Error(sharedError ?? 'not loaded');
      }
    };
    const configure = () =>
      model.setSources([
        sharedSource ?? failingShared,
        ...remoteSources(setting<RemoteSettings>('sources'), transport(), trans)
      ]);
    const sharedReady = (async () => {
      try {
        const [catalog, readme] = await Promise.all([shared.catalog(), shared.readme()]);
        sharedCatalog = catalog;
        const source = new SharedDataSource(
          { catalog, readme, harmonisedPath: paths().harmonised },
          trans.__('Shared data')
        );
        sharedSource = source;
        panel.setStations(
          catalog.sites
            .filter(s => s.latitude !== null && s.longitude !== null)
            .map(s => ({
              id: s.siteId,
              name: s.siteName ?? s.siteId,
              latitude: s.latitude!,
              longitude: s.longitude!
            }))
        );
        panel.setParameters(
          catalog.parameters.map(p => ({
            name: p.parameter,
            label: p.label,
            unit: p.units.join(', ') || null,
            standardName: p.p01
          }))
        );
      } catch (e) {
        sharedError = (e as Error).message;
      }
      configure();
    })();
    settings.changed.connect(configure);

    /** The remote file address the query engine reads (through the proxy when there is one). */
    const fetchable = (url: string) => new URL(transport().address(url), window.location.href).href;
    const code = (record: DatasetRecord) =>
      sqlFor(record, { query: model.query, fetchable, trans });
    /** The session's engine, and whether the dataset is meant for it (its catalogue's query place). */
    const engineFor = (record: DatasetRecord) =>
      queryEngine
        ? datasetEngine(
            {
              rowCount: record.rowCount ?? 0,
              queryPlace: record.shared?.queryPlace ?? 'both',
              remote: record.shared === null
            },
            isRoutedEngine(queryEngine) ? queryEngine : queryEngine.kind,
            sharedCatalog,
            trans
          )
        : null;

    const actions: DatasetActions = {
      sql: code,
      engine: engineFor,
      async openInSqlWorkspace(record) {
        let sql = code(record);
        if (sql === null) return;
        const engine = engineFor(record);
        if (engine) {
          sql = [
            `-- Queried by: ${engine.label}`,
            ...(engine.warning ? [`-- ${engine.warning}`] : []),
            sql
          ].join('\n');
        }
        if (!app.commands.hasCommand(SQL_NEW)) {
          await showErrorMessage(
            trans.__('No SQL workspace'),
            trans.__('The SQL workspace extension is not installed.')
          );
          return;
        }
        await app.commands.execute(SQL_NEW, { sql });
      },
      async insertCell(record, kind) {
        await app.commands.execute(CommandIDs.insertCell, {
          source: record.source,
          id: record.id,
          kind
        });
      },
      preview: record =>
        previewRecord(
          record,
          { transport: transport(), sharedFile: name => shared.sourceFile(name), trans },
          undefined,
          stationsInArea(record, model.query).map(s => s.name ?? s.id)
        ),
      canAdd: record => canAddToMyData(record, trans),
      unappliedFilters: record => unappliedFilters(record, model.query, trans),
      addToMyData: (record, progress) =>
        addToMyData(app, record, {
          transport: transport(),
          sharedFile: name => shared.sourceFile(name),
          myDataPath: setting<string>('myDataPath'),
          query: model.query,
          progress,
          trans
        })
    };

    const views = new Map<string, MainAreaWidget<DatasetView>>();
    const records = new Map<string, DatasetRecord>();
    const keyOf = (r: Pick<DatasetRecord, 'source' | 'id'>) => `${r.source}:${r.id}`;

    /** Opens (or shows again) the dataset view, with the record's full metadata. */
    async function open(summary: Pick<DatasetRecord, 'source' | 'id'>): Promise<void> {
      const key = keyOf(summary);
      const existing = views.get(key);
      if (existing && !existing.isDisposed) {
        app.shell.activateById(existing.id);
        return;
      }
      let record: DatasetRecord;
      try {
        record = await model.record(summary.source, summary.id);
      } catch (e) {
        await showErrorMessage(trans.__('The dataset could not be opened'), e as Error);
        return;
      }
      records.set(key, record);
      const content = new DatasetView({ record, trans, rendermime, actions });
      const widget = new MainAreaWidget({ content });
      widget.id = content.id;
      widget.title.label = content.title.label;
      widget.title.caption = content.title.caption;
      widget.title.icon = databrowserIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => views.delete(key));
      views.set(key, widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    }

    const recordOf = async (args: { source?: unknown; id?: unknown }) => {
      const key = `${args.source}:${args.id}`;
      return records.get(key) ?? (await model.record(args.source as SourceId, String(args.id)));
    };

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('ODATIS Data Browser'),
      caption: trans.__('Search the shared data and the ODATIS catalogues'),
      icon: args => (args.isPalette ? undefined : databrowserIcon),
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.search, {
      label: args =>
        args.text
          ? trans.__('Search ODATIS Data for “%1”', args.text)
          : trans.__('Search ODATIS Data'),
      execute: async args => {
        app.shell.activateById(panel.id);
        await sharedReady;
        await panel.search(args.text as string | undefined);
        return model.states.map(s => ({
          source: s.source,
          ok: s.outcome?.ok ?? null,
          total: s.outcome?.ok ? s.outcome.result.total : null
        }));
      }
    });
    app.commands.addCommand(CommandIDs.openDataset, {
      label: trans.__('Open a Dataset of the ODATIS Data Browser'),
      execute: args => open({ source: args.source as SourceId, id: String(args.id) })
    });
    app.commands.addCommand(CommandIDs.openSql, {
      label: trans.__('Open the Dataset in a SQL Workspace'),
      execute: async args => actions.openInSqlWorkspace(await recordOf(args))
    });
    app.commands.addCommand(CommandIDs.insertCell, {
      label: trans.__('Insert a Code Cell for the Dataset'),
      caption: trans.__(
        'A %1 cell (kind "sql") or a neo.* JavaScript cell (kind "neo") for the NEO kernel; from the same search, it replaces the previous one',
        '%%sql'
      ),
      execute: async args => {
        const record = await recordOf(args);
        const kind: CellKind = args.kind === 'neo' ? 'neo' : 'sql';
        const source = notebookCell(record, { query: model.query, fetchable }, kind);
        if (source === null) throw new Error(`${record.title}: no table the engine can read`);
        let notebook = notebooks?.currentWidget ?? null;
        if (!notebook) {
          notebook = await app.commands.execute('notebook:create-new', {});
        }
        // A notebook just created (here or by the user) gets its cells when its file is read: a cell
        // inserted before that is lost.
        await notebook!.context.ready;
        app.shell.activateById(notebook!.id);
        const search = `${sessionKey}-${model.searchId}`;
        const cells = notebook!.content.model!.cells;
        const content = notebook!.content;
        const generated = Array.from({ length: cells.length }, (_, i) => cells.get(i)).findIndex(
          c =>
            (c.getMetadata('odatis-vre') as { databrowserSearch?: string } | undefined)
              ?.databrowserSearch === search
        );
        if (generated >= 0) {
          content.activeCellIndex = generated;
        } else {
          const active = content.activeCell;
          const reuse =
            active &&
            active.model.type === 'code' &&
            active.model.sharedModel.getSource().trim() === '';
          if (!reuse) NotebookActions.insertBelow(content);
        }
        const cell = content.activeCell!;
        cell.model.sharedModel.setSource(source);
        cell.model.setMetadata('odatis-vre', {
          databrowserSearch: search,
          kind,
          dataset: { source: record.source, id: record.id, doi: record.doi }
        });
        return { index: content.activeCellIndex, replaced: generated >= 0 };
      }
    });
    app.commands.addCommand(CommandIDs.addToMyData, {
      label: trans.__('Add the Dataset to My Data'),
      execute: async args => actions.addToMyData(await recordOf(args), () => undefined)
    });
    if (palette) {
      const category = trans.__('ODATIS VRE');
      palette.addItem({ command: CommandIDs.open, category, args: { isPalette: true } });
      palette.addItem({ command: CommandIDs.search, category });
    }

    const browser: IDataBrowser = {
      model,
      async search(text?: string, query?: Partial<SearchQuery>) {
        await sharedReady;
        if (query) model.update(query);
        await panel.search(text);
      },
      open
    };
    return browser;
  }
};

export default plugin;
