import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  ICommandPalette,
  IWindowResolver,
  MainAreaWidget,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { ABCWidgetFactory, DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { ILauncher } from '@jupyterlab/launcher';
import { IStateDB } from '@jupyterlab/statedb';
import { Contents } from '@jupyterlab/services';
import { ITranslator, nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { Debouncer } from '@lumino/polling';
import { BoxPanel } from '@lumino/widgets';
import { FILE_EXTENSIONS, guessFormat } from '@odatis-vre/harmonised';
import type { QueryEngine } from '@odatis-vre/query';
import { IHarmonisedDataset, IQueryEngine } from '@odatis-vre/services';
import type { ChartKind, ExportFormat, SqlWorkspace } from '@odatis-vre/sql';
// Only what registering the file types needs at start: the workspace itself (editor, grid, charts,
// exports) is imported when the first workspace opens (see loadWorkspace).
import { UnloadedFileModelFactory } from '@odatis-vre/sql/lib/files';
import { tableNameForFile } from '@odatis-vre/sql/lib/names';
import sqlSvg from '../style/sql.svg';

const PLUGIN_ID = '@odatis-vre/sql-extension:plugin';
const FACTORY = 'SQL workspace';
/** The id of the n-th workspace opened from the launcher or the palette: the restorer knows it by it. */
const WORKSPACE_ID = /^odatis-vre-sql-(\d+)$/;
/** How long the editor stays still before its text is saved for the next page: not one write per key. */
const SAVE_DELAY_MS = 400;

export namespace CommandIDs {
  export const create = 'odatis-vre:sql-new';
  export const run = 'odatis-vre:sql-run';
  export const cancel = 'odatis-vre:sql-cancel';
  export const chart = 'odatis-vre:sql-chart';
  export const exportResult = 'odatis-vre:sql-export';
}

export const sqlIcon = new LabIcon({ name: 'odatis-vre:sql', svgstr: sqlSvg });

const STARTER_SQL = `-- The harmonised dataset of the shared data: one row per observed value.
SELECT sno, site_id, parameter, unit, count(*) AS n, min(time) AS first, max(time) AS last
FROM harmonised
GROUP BY ALL
ORDER BY n DESC;
`;

/** The workspace's module, imported once, when the first workspace opens: a chunk of this extension. */
let workspaceModule: Promise<typeof import('@odatis-vre/sql/lib/workspace')> | null = null;
const loadWorkspace = () => (workspaceModule ??= import('@odatis-vre/sql/lib/workspace'));

/**
 * The content of a file's SQL workspace: a document widget is made at once (JupyterLab asks for it
 * synchronously), the workspace is added when its module has loaded.
 */
class WorkspaceSlot extends BoxPanel {
  constructor(workspace: Promise<SqlWorkspace>) {
    super();
    this.ready = workspace.then(content => {
      this.workspace = content;
      this.addWidget(content);
      return content;
    });
  }

  /** The workspace, once loaded. */
  workspace: SqlWorkspace | null = null;
  readonly ready: Promise<SqlWorkspace>;
}

/** Opens .parquet, .arrow and .csv files in a SQL workspace, as a table named after the file. */
class SqlFileFactory extends ABCWidgetFactory<DocumentWidget<WorkspaceSlot>> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions,
    private readonly workspace: (sql: string) => Promise<SqlWorkspace>,
    private readonly contents: Contents.IManager,
    private readonly trans: TranslationBundle
  ) {
    super(options);
  }

  protected createNewWidget(context: DocumentRegistry.Context): DocumentWidget<WorkspaceSlot> {
    const table = tableNameForFile(context.path);
    const slot = new WorkspaceSlot(this.workspace(`SELECT * FROM "${table}" LIMIT 1000;\n`));
    const widget = new DocumentWidget({ context, content: slot });
    widget.title.icon = sqlIcon;
    void Promise.all([slot.ready, context.ready])
      .then(async ([content]) => {
        const engine = await content.engineReady;
        // The engine fetches the file in its worker: nothing of it is decoded on the page.
        const url = await this.contents.getDownloadUrl(context.path);
        const source = { url: new URL(url, window.location.href).href };
        await engine.registerFile(table, source, { format: guessFormat(context.path) });
        await content.refreshSchema();
        await content.run();
      })
      .catch(reason => {
        const message = this.trans.__(
          'Could not open %1 as a table: %2',
          context.path,
          reason?.message ?? reason
        );
        if (slot.workspace) slot.workspace.showError(message);
        else void showErrorMessage(this.trans.__('SQL workspace'), message);
      });
    return widget;
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'SQL workspace: DuckDB-WASM over the harmonised data and files, with grid, charts and exports.',
  autoStart: true,
  requires: [IEditorServices, IQueryEngine, IHarmonisedDataset],
  optional: [ILauncher, ICommandPalette, IStateDB, ITranslator, ILayoutRestorer, IWindowResolver],
  activate: (
    app: JupyterFrontEnd,
    editorServices: IEditorServices,
    queryEngine: QueryEngine,
    harmonised: IHarmonisedDataset,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    state: IStateDB | null,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    resolver: IWindowResolver | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    // The workspace starts once the shared data is attached (or could not be: the data services say why).
    const getEngine = () =>
      harmonised.attach().then(
        () => queryEngine,
        () => queryEngine
      );
    // The commands acting on a result are enabled when there is one and no query runs: when that changes in a
    // workspace, or another workspace becomes the current one, menus, the palette and toolbars redraw them.
    const resultCommandsChanged = () => {
      app.commands.notifyCommandChanged(CommandIDs.chart);
      app.commands.notifyCommandChanged(CommandIDs.exportResult);
    };
    const make = async (sql: string) => {
      const workspace = new (await loadWorkspace()).SqlWorkspace({
        engine: getEngine(),
        editorFactory: editorServices.factoryService,
        contents: app.serviceManager.contents,
        state,
        sql,
        trans
      });
      workspace.resultAvailabilityChanged.connect(resultCommandsChanged);
      return workspace;
    };

    const tracker = new WidgetTracker<MainAreaWidget<SqlWorkspace> | DocumentWidget<WorkspaceSlot>>(
      {
        // Not `odatis-vre-sql`: the restorer would take the history (`odatis-vre-sql:history`, not a
        // workspace) for one of its entries, and delete it.
        namespace: 'odatis-vre-sql-workspace'
      }
    );
    tracker.currentChanged.connect(resultCommandsChanged);
    // The workspaces on a file come back after a reload as the documents they are, on their file.
    const fileTracker = new WidgetTracker<DocumentWidget<WorkspaceSlot>>({
      namespace: 'odatis-vre-sql-file'
    });
    // The other workspaces come back with the SQL of their editor (saved as it changes): `tracker` saves
    // them alone (a document has no name there), `fileTracker` the documents.
    void restorer?.restore(tracker, {
      command: CommandIDs.create,
      args: widget => ({
        sql: (widget as MainAreaWidget<SqlWorkspace>).content.sql,
        id: widget.id
      }),
      name: widget => (widget instanceof DocumentWidget ? '' : widget.id)
    });
    void restorer?.restore(fileTracker, {
      command: 'docmanager:open',
      args: widget => ({ path: widget.context.path, factory: FACTORY }),
      name: widget => widget.context.path
    });
    // The text of a launcher workspace's editor is saved once typing pauses, each workspace's on its own
    // delay (a save writes the state database, and JupyterLab the whole workspace after it).
    const pendingSaves = new Map<MainAreaWidget<SqlWorkspace>, Debouncer>();
    const saveAsTyped = (widget: MainAreaWidget<SqlWorkspace>) => {
      const save = new Debouncer(() => tracker.save(widget), SAVE_DELAY_MS);
      pendingSaves.set(widget, save);
      widget.content.editor.model.sharedModel.changed.connect(() => void save.invoke());
      // A closed workspace is not restored: what it had pending is dropped.
      widget.disposed.connect(() => {
        save.dispose();
        pendingSaves.delete(widget);
      });
    };
    // When the page goes (reload, tab closed), the text not saved yet is saved at once, and so is the
    // workspace: JupyterLab writes it a moment after the state changes, a moment the page no longer has.
    window.addEventListener('beforeunload', () => {
      const saved = [...pendingSaves].map(([widget, save]) => {
        void save.stop();
        return tracker.save(widget);
      });
      if (!state || !resolver || !saved.length) return;
      const id = resolver.name;
      void Promise.all(saved)
        .then(() => state.toJSON())
        .then(data => app.serviceManager.workspaces.save(id, { data, metadata: { id } }));
    });
    const current = (): SqlWorkspace | null => {
      const active = app.shell.currentWidget;
      const widget = (active && tracker.has(active) ? active : tracker.currentWidget) as
        MainAreaWidget<SqlWorkspace> | DocumentWidget<WorkspaceSlot> | null;
      const content = widget?.content ?? null;
      return content instanceof WorkspaceSlot ? content.workspace : content;
    };

    app.docRegistry.addFileType({
      name: 'parquet',
      displayName: 'Parquet',
      extensions: [...FILE_EXTENSIONS.parquet],
      mimeTypes: ['application/vnd.apache.parquet'],
      fileFormat: 'base64',
      contentType: 'file',
      icon: sqlIcon
    });
    app.docRegistry.addFileType({
      name: 'arrow',
      displayName: 'Arrow IPC',
      extensions: [...FILE_EXTENSIONS.arrow],
      mimeTypes: ['application/vnd.apache.arrow.file'],
      fileFormat: 'base64',
      contentType: 'file',
      icon: sqlIcon
    });
    const factory = new SqlFileFactory(
      {
        name: FACTORY,
        label: trans.__('SQL workspace'),
        fileTypes: ['parquet', 'arrow', 'csv'],
        defaultFor: ['parquet', 'arrow'],
        modelName: UnloadedFileModelFactory.NAME,
        readOnly: true
      },
      make,
      app.serviceManager.contents,
      trans
    );
    app.docRegistry.addModelFactory(new UnloadedFileModelFactory());
    factory.widgetCreated.connect((_, widget) => {
      void tracker.add(widget);
      void fileTracker.add(widget);
    });
    app.docRegistry.addWidgetFactory(factory);

    let count = 0;
    app.commands.addCommand(CommandIDs.create, {
      label: args => (args.isLauncher ? trans.__('SQL workspace') : trans.__('New SQL Workspace')),
      caption: trans.__(
        'Query the harmonised data and your files with SQL (DuckDB, in your browser)'
      ),
      icon: sqlIcon,
      execute: async args => {
        // A workspace restored after a reload keeps its id and number; the layout puts it back in place.
        const restored = WORKSPACE_ID.exec(String(args.id ?? ''));
        const number = restored ? Number(restored[1]) : ++count;
        count = Math.max(count, number);
        const content = await make((args.sql as string) ?? STARTER_SQL);
        const widget = new MainAreaWidget({ content });
        widget.id = `odatis-vre-sql-${number}`;
        widget.title.label = trans.__('SQL workspace %1', number);
        widget.title.icon = sqlIcon;
        widget.title.closable = true;
        app.shell.add(widget, 'main', { activate: !restored });
        await tracker.add(widget);
        // A reload brings back the latest text of the editor.
        saveAsTyped(widget);
        if (!restored) app.shell.activateById(widget.id);
        return widget.id;
      }
    });
    const isEnabled = () => current() !== null;
    // Exports and charts act on a result: none after an error or before the first query, and not the one
    // shown while a query runs (the new result replaces it).
    const hasResult = () => {
      const workspace = current();
      return workspace !== null && workspace.resultUnavailable === null;
    };
    app.commands.addCommand(CommandIDs.run, {
      label: trans.__('Run SQL Query'),
      isEnabled,
      execute: async () => (await current()?.run())?.numRows ?? null
    });
    app.commands.addCommand(CommandIDs.cancel, {
      label: trans.__('Cancel SQL Query'),
      isEnabled,
      execute: () => current()?.cancel()
    });
    app.commands.addCommand(CommandIDs.chart, {
      label: args =>
        args.kind
          ? trans.__('Chart the SQL Result (%1)', args.kind)
          : trans.__('Chart the SQL Result'),
      isEnabled: hasResult,
      execute: args => current()?.showChart(args.kind as ChartKind | undefined) ?? null
    });
    app.commands.addCommand(CommandIDs.exportResult, {
      label: args =>
        trans.__('Export the SQL Result as %1', String(args.format ?? 'csv').toUpperCase()),
      isEnabled: hasResult,
      execute: args =>
        current()?.exportResult(
          (args.format as ExportFormat) ?? 'csv',
          args.path as string | undefined
        ) ?? null
    });

    launcher?.add({
      command: CommandIDs.create,
      // The NEO workshop section of the vre-extension's cards (the same msgid).
      category: trans.__('NEO workshop'),
      rank: 4,
      args: { isLauncher: true }
    });
    if (palette) {
      const category = trans.__('ODATIS VRE');
      palette.addItem({ command: CommandIDs.create, category });
      palette.addItem({ command: CommandIDs.run, category });
      palette.addItem({ command: CommandIDs.cancel, category });
      for (const kind of ['line', 'climatology', 'scatter'])
        palette.addItem({ command: CommandIDs.chart, category, args: { kind } });
      for (const format of ['csv', 'parquet', 'arrow'])
        palette.addItem({ command: CommandIDs.exportResult, category, args: { format } });
    }
  }
};

export default plugin;
