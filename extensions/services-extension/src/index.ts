import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import {
  ServerQueryEngine,
  createBrowserQueryEngine,
  engineLabel,
  type QueryEngine
} from '@odatis-vre/query';
import {
  DEFAULT_SERVER_MIN_ROWS,
  HarmonisedDataset,
  chooseQueryEngine,
  isRoutedEngine,
  type EngineChoice,
  IHarmonisedDataset,
  IQueryEngine,
  type HarmonisedStatus
} from '@odatis-vre/services';
import {
  DEPLOYMENT_PAGE_CONFIG_KEY,
  deploymentOrNone,
  fileUrlPath,
  folderSetting
} from '@odatis-vre/vre';

const QUERY_ENGINE_ID = '@odatis-vre/services-extension:query-engine';

/** DuckDB-WASM in a Web Worker of this page. */
function browserEngine(): QueryEngine {
  return createBrowserQueryEngine({
    createWorker: () =>
      new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url)),
    bundles: {
      mvp: {
        mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href
      },
      eh: { mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href }
    },
    parquetWasm: new URL('parquet-wasm/esm/parquet_wasm_bg.wasm', import.meta.url).href
  });
}

/** What a Jupyter server wants with every request: its token and XSRF cookie (the embedded server ignores them). */
function jupyterHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = PageConfig.getToken();
  if (token) headers.Authorization = `token ${token}`;
  const xsrf = /(?:^|;\s*)_xsrf=([^;]*)/.exec(document.cookie)?.[1];
  if (xsrf) headers['X-XSRFToken'] = decodeURIComponent(xsrf);
  return headers;
}

/**
 * The query engine of the session: DuckDB-WASM in the browser, or native DuckDB on the server next to the data
 * (setting `engine`: browser, server, or auto = the server when it advertises a large harmonised dataset). The
 * bundler emits the query worker and DuckDB-WASM's and parquet-wasm's files with this extension (no CDN); the
 * worker starts on the first query.
 */
const queryEngine: JupyterFrontEndPlugin<QueryEngine> = {
  id: QUERY_ENGINE_ID,
  description:
    'Provides the query engine of the session (DuckDB-WASM in the browser or DuckDB on the server).',
  autoStart: true,
  provides: IQueryEngine,
  optional: [ISettingRegistry, ITranslator],
  activate: async (
    _app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const settings = settingRegistry ? await settingRegistry.load(QUERY_ENGINE_ID) : null;
    const chosen = await chooseQueryEngine({
      choice: (settings?.get('engine').composite as EngineChoice | undefined) ?? 'auto',
      serverMinRows:
        (settings?.get('serverMinRows').composite as number | undefined) ?? DEFAULT_SERVER_MIN_ROWS,
      server: new ServerQueryEngine({ baseUrl: PageConfig.getBaseUrl(), headers: jupyterHeaders }),
      browser: browserEngine,
      trans
    });
    const engine = chosen.engine;
    console.info(`ODATIS VRE query engine: ${engineLabel(engine.kind)}. ${chosen.reason}`);
    if (chosen.warning) {
      Notification.warning(trans.__('%1 Queries run in this browser instead.', chosen.warning), {
        autoClose: 10_000
      });
    }
    // A crashed or out-of-memory engine restarts by itself; whoever was using it should know why.
    engine.onEvent(event =>
      Notification.warning(trans.__('Query engine: %1', event.message), { autoClose: 10_000 })
    );
    return engine;
  }
};

const HARMONISED_ID = '@odatis-vre/services-extension:harmonised-dataset';

/** Status bar text of the harmonised dataset. */
function describe(status: HarmonisedStatus, engine: QueryEngine, trans: TranslationBundle): string {
  switch (status.state) {
    case 'idle':
      return '';
    case 'attaching':
      return trans.__('Harmonised data: loading…');
    case 'attached':
      return isRoutedEngine(engine) && engine.server
        ? trans.__(
            'Harmonised data: %1 values · %2, large datasets %3',
            status.attached.rows.toLocaleString(),
            trans.__(engineLabel(engine.kind)),
            trans.__(engineLabel(engine.server.kind))
          )
        : trans.__(
            'Harmonised data: %1 values · %2',
            status.attached.rows.toLocaleString(),
            trans.__(engineLabel(engine.kind))
          );
    case 'failed':
      return trans.__('Harmonised data: not available');
  }
}

/**
 * The harmonised dataset of the shared data, attached to the session's engine when something first asks
 * for it. A failure is shown to the user (notification with a retry, and the status bar), never only logged.
 */
const harmonisedDataset: JupyterFrontEndPlugin<IHarmonisedDataset> = {
  id: HARMONISED_ID,
  description: 'Provides the harmonised dataset of the shared data, attached to the query engine.',
  autoStart: true,
  provides: IHarmonisedDataset,
  requires: [IQueryEngine, ISettingRegistry],
  optional: [IStatusBar, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    engine: QueryEngine,
    settingRegistry: ISettingRegistry,
    statusBar: IStatusBar | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const settings = await settingRegistry.load(HARMONISED_ID);
    const contents = app.serviceManager.contents;
    // On a Jupyter server, the deployment (odatis_vre server extension) says where the dataset is;
    // a value the user set still wins.
    const deployment = deploymentOrNone(PageConfig.getOption(DEPLOYMENT_PAGE_CONFIG_KEY));
    const dataset = new HarmonisedDataset({
      engine,
      path: folderSetting(
        settings.user.harmonisedPath,
        deployment.harmonisedPath,
        settings.default('harmonisedPath') as string
      ),
      readText: async path =>
        String((await contents.get(path, { type: 'file', format: 'text', content: true })).content),
      // The database file (or Parquet partitions) is read in place by URL, with HTTP Range requests: from
      // the deployment's range-capable route for the shared data (odatis_vre), else the server's /files/.
      locate: path =>
        new URL(
          URLExt.join(PageConfig.getBaseUrl(), fileUrlPath(deployment, path)),
          window.location.href
        ).href,
      trans
    });

    // Under `auto`, each query runs where its datasets are meant to be queried: the catalogue says where.
    if (isRoutedEngine(engine)) engine.useCatalog(() => dataset.readCatalog());

    const retry = () => void dataset.attach().catch(() => undefined);
    dataset.statusChanged.connect((_, status) => {
      if (status.state === 'failed') {
        Notification.error(status.message, {
          autoClose: false,
          actions: [{ label: trans.__('Try again'), callback: retry }]
        });
      }
    });

    if (statusBar) {
      const item = new Widget();
      item.addClass('odatis-vre-HarmonisedStatus');
      const activeStateChanged = new Signal<Widget, void>(item);
      const show = (status: HarmonisedStatus) => {
        item.node.textContent = describe(status, engine, trans);
        item.node.dataset.engine = engine.kind;
        item.node.dataset.state = status.state;
        item.node.title = status.state === 'failed' ? status.message : dataset.path;
      };
      show(dataset.status);
      dataset.statusChanged.connect((_, status) => {
        show(status);
        activeStateChanged.emit();
      });
      item.node.addEventListener('click', () => {
        if (dataset.status.state === 'failed') retry();
      });
      statusBar.registerStatusItem(HARMONISED_ID, {
        item,
        align: 'left',
        rank: 50,
        isActive: () => dataset.status.state !== 'idle',
        activeStateChanged
      });
    }
    return dataset;
  }
};

export default [queryEngine, harmonisedDataset];
