import { Dialog, showDialog, Toolbar, ToolbarButton } from '@jupyterlab/apputils';
import { CodeEditor, CodeEditorWrapper, IEditorFactoryService } from '@jupyterlab/codeeditor';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import { Contents } from '@jupyterlab/services';
import { IStateDB } from '@jupyterlab/statedb';
import {
  copyIcon,
  downloadIcon,
  runIcon,
  stopIcon,
  type ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import { autocompletion } from '@codemirror/autocomplete';
import { PostgreSQL, sql as sqlLanguage } from '@codemirror/lang-sql';
import { Compartment, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import {
  BasicKeyHandler,
  BasicMouseHandler,
  BasicSelectionModel,
  DataGrid
} from '@lumino/datagrid';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { BoxPanel, Panel, SplitPanel, TabPanel, Widget } from '@lumino/widgets';
import { englishMessages, HARMONISED_VIEW, type Messages } from '@odatis-vre/harmonised';
import {
  engineLabel,
  errorMessage,
  EXPORT_FORMATS,
  type EngineKind,
  type ExportFormat,
  type QueryEngine,
  type TableInfo,
  translateText
} from '@odatis-vre/query';
import type { Table } from 'apache-arrow';
import { ArrowDataModel } from './arrowmodel';
import { ChartKind, chartSpec, suggestCharts, VegaLiteSpec } from './charts';
import { addToHistory, HISTORY_KEY, HistoryEntry } from './history';
import { MessageStrip } from './messagestrip';
import { exportPathProblem, reserveFreePath } from './names';
import { ChunkedSave, ReplacingSave } from './save';

/**
 * The SQL workspace: an SQL editor with schema completion, the tables of the query engine,
 * a virtualised result grid, charts of the result, query history and exports.
 */
export class SqlWorkspace extends BoxPanel {
  constructor(options: SqlWorkspace.IOptions) {
    super({ direction: 'top-to-bottom', spacing: 0 });
    this.addClass('odatis-SqlWorkspace');
    this.engineReady = Promise.resolve(options.engine);
    this.contents = options.contents;
    this.state = options.state ?? null;
    this.exportDir = options.exportDir ?? '';
    const trans = (this.trans = options.trans ?? englishMessages);
    this.noResultReason = trans.__('No result: run a query first');

    this.editorModel = new CodeEditor.Model({ mimeType: 'text/x-sql' });
    this.editorModel.sharedModel.setSource(options.sql ?? '');
    this.editor = new CodeEditorWrapper({
      model: this.editorModel,
      factory: options.editorFactory.newInlineEditor,
      // SQL highlighting, completion from the schema and the run keys are part of the editor from the start.
      editorOptions: { config: { lineNumbers: true }, extensions: this.editorExtensions() }
    });
    this.editor.addClass('odatis-SqlWorkspace-editor');

    this.toolbar = new Toolbar();
    this.toolbar.addClass('odatis-SqlWorkspace-toolbar');
    this.runButton = new ToolbarButton({
      icon: runIcon,
      label: trans.__('Run'),
      tooltip: trans.__('Run the query (Shift+Enter)'),
      onClick: () => void this.run()
    });
    this.cancelButton = new ToolbarButton({
      icon: stopIcon,
      label: trans.__('Cancel'),
      tooltip: trans.__('Cancel the running query or export'),
      enabled: false,
      onClick: () => this.cancel()
    });
    this.toolbar.addItem('run', this.runButton);
    this.toolbar.addItem('cancel', this.cancelButton);
    for (const format of EXPORT_FORMATS) {
      const button = new ResultButton({
        icon: downloadIcon,
        label: format.toUpperCase(),
        tooltip: trans.__('Export the result to the workspace as %1', format.toUpperCase()),
        // Enabled while there is a result to export and no query runs (see updateResultButtons).
        enabled: false,
        disabledTooltip: this.noResultReason,
        onClick: () => {
          // A second click while an export runs (a double click) does nothing.
          if (!this.exportController) {
            void this.exportResult(format).catch(reason =>
              this.showError(
                trans.__(
                  'Export to %1 failed: %2',
                  format.toUpperCase(),
                  (reason as Error).message ?? reason
                )
              )
            );
          }
        }
      });
      this.exportButtons.push(button);
      this.toolbar.addItem(`export-${format}`, button);
    }
    this.status = new Widget();
    this.status.addClass('odatis-SqlWorkspace-status');
    this.toolbar.addItem('status', this.status);

    this.schemaList = new Widget();
    this.schemaList.addClass('odatis-SqlWorkspace-schema');
    this.schemaList.title.label = trans.__('Tables');

    this.error = new MessageStrip(trans);

    this.grid = new DataGrid({
      defaultSizes: { rowHeight: 22, columnWidth: 150, rowHeaderWidth: 72, columnHeaderHeight: 24 }
    });
    this.grid.addClass('odatis-SqlWorkspace-grid');
    this.grid.keyHandler = new BasicKeyHandler();
    this.grid.mouseHandler = new BasicMouseHandler();
    this.grid.copyConfig = { ...this.grid.copyConfig, headers: 'all' };
    this.grid.title.label = trans.__('Result');

    this.chart = new Panel();
    this.chart.addClass('odatis-SqlWorkspace-chart');
    this.chart.title.label = trans.__('Chart');
    this.chartToolbar = new Toolbar();
    this.chartView = new Widget();
    this.chartView.addClass('odatis-SqlWorkspace-chartView');
    this.specView = new Widget({ node: document.createElement('pre') });
    this.specView.addClass('odatis-SqlWorkspace-spec');
    this.specView.hide();
    this.chart.addWidget(this.chartToolbar);
    this.chart.addWidget(this.chartView);
    this.chart.addWidget(this.specView);

    this.history = new Widget({ node: document.createElement('ol') });
    this.history.addClass('odatis-SqlWorkspace-history');
    this.history.title.label = trans.__('History');

    this.tabs = new TabPanel();
    this.tabs.addClass('odatis-SqlWorkspace-tabs');
    this.tabs.addWidget(this.grid);
    this.tabs.addWidget(this.chart);
    this.tabs.addWidget(this.history);
    // The chart follows the result: drawn when its tab is opened on a result it has not drawn yet.
    this.tabs.currentChanged.connect(() => {
      if (this.tabs.currentWidget === this.chart && this.chartStale) {
        this.showChart(this.chartKind);
      }
    });

    const results = new BoxPanel({ direction: 'top-to-bottom', spacing: 0 });
    results.addClass('odatis-SqlWorkspace-results');
    results.addWidget(this.error);
    results.addWidget(this.tabs);
    BoxPanel.setStretch(this.error, 0);
    BoxPanel.setStretch(this.tabs, 1);

    const main = new SplitPanel({ orientation: 'vertical' });
    main.addWidget(this.editor);
    main.addWidget(results);
    main.setRelativeSizes([1, 3]);

    const body = new SplitPanel({ orientation: 'horizontal' });
    body.addClass('odatis-SqlWorkspace-body');
    body.addWidget(this.schemaList);
    body.addWidget(main);
    body.setRelativeSizes([1, 4]);

    this.addWidget(this.toolbar);
    this.addWidget(body);
    BoxPanel.setStretch(this.toolbar, 0);
    BoxPanel.setStretch(body, 1);
    this.setStatus(trans.__('Starting the query engine (DuckDB)…'));
    // A crashed or out-of-memory engine restarts by itself: say so where the user is looking.
    void this.engineReady.then(engine => {
      this.status.node.dataset.engine = engine.kind;
      if (!this.controller) this.setStatus(trans.__('Ready · %1', this.engineLabel(engine.kind)));
      this.stopListening = engine.onEvent(event => {
        this.error.showMessage(event.text ? translateText(event.text, trans) : event.message);
        void this.refreshSchema();
      });
    });
    void this.refreshSchema();
    void this.loadHistory();
  }

  /** The query engine, once it has started (a Web Worker's start takes a moment). */
  readonly engineReady: Promise<QueryEngine>;
  readonly editor: CodeEditorWrapper;

  /** The SQL text in the editor. */
  get sql(): string {
    return this.editorModel.sharedModel.getSource();
  }
  set sql(text: string) {
    this.editorModel.sharedModel.setSource(text);
  }

  /** The result shown: the last query's, null after a failed or cancelled one (or before the first). */
  get result(): Table | null {
    return this.table;
  }

  /** Whether a query is running: its result will replace the one shown. */
  get running(): boolean {
    return this.controller !== null;
  }

  /**
   * Why the result cannot be exported or charted now, or null when it can: while a query runs, the result
   * shown is about to be replaced (exports and charts wait for the new one); after a failed or cancelled
   * query there is none.
   */
  get resultUnavailable(): string | null {
    if (this.running) return this.trans.__('A query is running: wait for its result');
    return this.table ? null : this.noResultReason;
  }

  /**
   * Emitted when the result becomes available to act on (`resultUnavailable` turns null) or stops being: the
   * commands acting on it are enabled or disabled (menus, the palette and toolbars are told to redraw them).
   */
  get resultAvailabilityChanged(): ISignal<this, boolean> {
    return this.resultAvailabilityChangedSignal;
  }

  /** Runs the SQL in the editor; resolves when the query ended (well, badly or cancelled). */
  async run(): Promise<Table | null> {
    const sql = this.sql.trim();
    if (!sql || this.controller) {
      return null;
    }
    this.controller = new AbortController();
    this.runButton.enabled = false;
    this.cancelButton.enabled = true;
    this.updateResultButtons();
    this.error.hide();
    const started = performance.now();
    this.setStatus(this.trans.__('Running…'));
    this.ticker = window.setInterval(
      () =>
        this.setStatus(
          this.trans.__('Running… %1 s', ((performance.now() - started) / 1000).toFixed(1))
        ),
      200
    );
    const entry: HistoryEntry = { sql, at: new Date().toISOString() };
    try {
      const engine = await this.engineReady;
      const result = await engine.query(sql, { signal: this.controller.signal });
      this.showTable(result.table);
      this.resultSql = sql;
      entry.rows = result.rows;
      entry.elapsedMs = result.elapsedMs;
      // Under `auto` each query runs where its data live: the result says which engine answered it.
      const answered = result.engine ?? engine.kind;
      this.status.node.dataset.engine = answered;
      this.setStatus(
        // One msgid per number (the `Messages` of this library have no plural forms): "1 row", "2,292 rows".
        this.trans.__(
          result.rows === 1 ? '%1 row in %2 s · %3' : '%1 rows in %2 s · %3',
          result.rows.toLocaleString('en'),
          (result.elapsedMs / 1000).toFixed(2),
          this.engineLabel(answered)
        )
      );
      if (result.notice) {
        this.error.showMessage(result.notice);
      }
      void this.refreshSchema();
      return result.table;
    } catch (reason) {
      const message = errorMessage(reason, this.trans);
      const cancelled = reason instanceof Error && reason.name === 'QueryCancelledError';
      entry.error = cancelled ? 'cancelled' : message;
      this.setStatus(cancelled ? this.trans.__('Cancelled') : this.trans.__('Error'));
      if (!cancelled) this.error.showMessage(message);
      this.clearResult(
        cancelled
          ? this.trans.__('No result: the last query was cancelled')
          : this.trans.__('No result: the last query failed')
      );
      return null;
    } finally {
      window.clearInterval(this.ticker);
      this.controller = null;
      this.runButton.enabled = true;
      this.cancelButton.enabled = this.exportController !== null;
      this.updateResultButtons();
      await this.remember(entry);
    }
  }

  /** Shows a message above the result, where query errors go. */
  showError(message: string): void {
    this.error.showMessage(message);
  }

  /** Cancels the running query and the running export, if any. */
  cancel(): void {
    this.controller?.abort();
    this.exportController?.abort();
  }

  /** Whether an export of the result is being written. */
  get exporting(): boolean {
    return this.exportController !== null;
  }

  /** Shows a chart of the current result; `kind` defaults to the first chart the result supports. */
  showChart(kind?: ChartKind): VegaLiteSpec | null {
    // While a query runs, the result shown is about to be replaced: the chart waits for the new one.
    const table = this.running ? null : this.table;
    const options = table ? suggestCharts(table) : [];
    const choice = options.find(o => o.kind === kind) ?? options[0];
    this.chartStale = false;
    this.tabs.currentWidget = this.chart;
    this.renderChartToolbar(
      options.map(o => o.kind),
      choice?.kind,
      Boolean(table && choice)
    );
    if (!table || !choice) {
      this.chartHandle?.finalize();
      this.chartHandle = null;
      this.specView.node.textContent = '';
      this.specView.hide();
      this.chartView.node.textContent = table
        ? this.trans.__(
            'This result has no column to chart: a chart needs a time column and a number, or two numbers.'
          )
        : this.running
          ? this.trans.__('A query is running: the chart waits for its result.')
          : this.trans.__('Run a query first.');
      this.spec = null;
      return null;
    }
    this.chartStale = false;
    this.chartKind = choice.kind;
    this.spec = chartSpec(table, choice.kind, choice.fields, this.trans);
    this.specView.node.textContent = JSON.stringify(
      { ...this.spec, data: { values: '…' } },
      null,
      2
    );
    void this.renderSpec(this.spec);
    return this.spec;
  }

  /** The Vega-Lite specification of the chart shown, with its data. */
  get chartSpecification(): VegaLiteSpec | null {
    return this.spec;
  }

  /**
   * Writes the current result to the workspace as a file: a new `query-result.<ext>` (never an existing
   * file), or `path` (asking before overwriting). The engine makes the file's bytes from the result's
   * query, in its worker, and they are saved in chunks as they come: the page stays responsive however
   * large the result. A `path` is written whole or not at all: the chunks go to a temporary file beside
   * it, moved into place when complete; a cancelled or failed export leaves the old file (or none) as it
   * was. One export at a time per workspace; `cancel()` stops it. Returns the path written, or null if
   * nothing was (no result, cancelled, not overwritten).
   */
  async exportResult(format: ExportFormat, path?: string): Promise<string | null> {
    const table = this.table;
    const sql = this.resultSql;
    const unavailable = this.resultUnavailable;
    if (unavailable || !table || !sql) {
      await showDialog({
        title: this.trans.__('Nothing to export'),
        body: unavailable ?? this.trans.__('Run a query first.'),
        buttons: [Dialog.okButton()]
      });
      return null;
    }
    if (this.exportController) {
      throw new Error(
        this.trans.__('An export of this result is already running: wait for it or cancel it.')
      );
    }
    const problem = path === undefined ? null : exportPathProblem(path, this.trans);
    if (problem) {
      throw new Error(problem);
    }
    const controller = new AbortController();
    this.startExport(controller);
    const label = format.toUpperCase();
    let target: string | null = null;
    let reserved = false;
    let replacing: ReplacingSave | null = null;
    try {
      if (path === undefined) {
        target = await reserveFreePath(this.contents, this.exportDir, 'query-result', format);
        reserved = true;
      } else if (await this.exists(path)) {
        const answer = await showDialog({
          title: this.trans.__('Overwrite file?'),
          body: this.trans.__('"%1" already exists. Replace it with the query result?', path),
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: this.trans.__('Overwrite') })]
        });
        if (!answer.button.accept) return null;
      }
      target ??= path!;
      const engine = await this.engineReady;
      const stream = engine.exportQuery(sql, { format, signal: controller.signal });
      // A reserved name holds an empty file of ours: the chunks go straight into it (deleted below if
      // the export stops). Replacing it as a path is replaced would free the name for a moment.
      const file = reserved
        ? new ChunkedSave(this.contents, target)
        : (replacing = new ReplacingSave(this.contents, target, this.trans));
      const total = table.numRows;
      this.setStatus(this.trans.__('Exporting %1…', label));
      for await (const chunk of stream) {
        await file.write(chunk);
        // Cancelled while this chunk was being saved (the last one, maybe): stop here all the same.
        if (controller.signal.aborted) break;
        const percent = total > 0 ? Math.floor((100 * stream.rows) / total) : 100;
        this.setStatus(
          this.trans.__(
            'Exporting %1… %2 of %3 rows (%4 %)',
            label,
            stream.rows.toLocaleString('en'),
            total.toLocaleString('en'),
            percent
          )
        );
      }
      if (controller.signal.aborted) {
        this.setStatus(this.trans.__('Export cancelled'));
        return null;
      }
      await file.close();
      this.setStatus(
        this.trans.__('Exported %1 rows to %2', stream.rows.toLocaleString('en'), target)
      );
      const written = target;
      reserved = false;
      return written;
    } catch (reason) {
      if (reason instanceof Error && reason.name === 'QueryCancelledError') {
        this.setStatus(this.trans.__('Export cancelled'));
        return null;
      }
      this.setStatus(this.trans.__('Export failed'));
      throw reason;
    } finally {
      // A name reserved for an export that did not finish is given back, a temporary file deleted.
      if (reserved && target) {
        await this.contents.delete(target).catch(() => undefined);
      }
      await replacing?.discard();
      this.endExport();
    }
  }

  private startExport(controller: AbortController): void {
    this.exportController = controller;
    this.updateResultButtons();
    this.cancelButton.enabled = true;
  }

  private endExport(): void {
    this.exportController = null;
    this.updateResultButtons();
    this.cancelButton.enabled = this.controller !== null;
  }

  /**
   * The buttons that act on the result (exports, charts, the chart's copy): enabled when there is one and
   * no query runs; otherwise their tooltip says why. An export running keeps the export buttons disabled
   * (one at a time), with their usual tooltip.
   */
  private updateResultButtons(): void {
    const unavailable = this.resultUnavailable;
    for (const button of this.exportButtons) {
      button.unavailable = unavailable;
      if (this.exportController) button.enabled = false;
    }
    for (const button of this.chartButtons) button.unavailable = unavailable;
    if ((unavailable === null) !== this.resultWasAvailable) {
      this.resultWasAvailable = unavailable === null;
      this.resultAvailabilityChangedSignal.emit(this.resultWasAvailable);
    }
  }

  /** Lists the engine's tables and columns, and feeds them to completion. */
  async refreshSchema(): Promise<TableInfo[]> {
    const tables = await (await this.engineReady).listTables();
    this.tables = tables;
    const list = document.createElement('ul');
    for (const table of tables) {
      const item = document.createElement('li');
      const name = document.createElement('button');
      name.className = 'odatis-SqlWorkspace-tableName';
      name.textContent = table.name;
      name.title = this.trans.__('%1 %2.%3: click to insert', table.kind, table.schema, table.name);
      name.onclick = () => this.insert(table.name);
      item.appendChild(name);
      const columns = document.createElement('ul');
      for (const column of table.columns) {
        const c = document.createElement('li');
        c.className = 'odatis-SqlWorkspace-column';
        c.textContent = column.name;
        const type = document.createElement('span');
        type.className = 'odatis-SqlWorkspace-columnType';
        type.textContent = column.type;
        c.appendChild(type);
        c.onclick = () => this.insert(column.name);
        columns.appendChild(c);
      }
      item.appendChild(columns);
      list.appendChild(item);
    }
    this.schemaList.node.replaceChildren(list);
    this.updateCompletion();
    return tables;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.cancel();
    this.stopListening();
    window.clearInterval(this.ticker);
    this.chartHandle?.finalize();
    this.editorModel.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.editor.editor.focus();
  }

  /** The editor has the keyboard whenever the workspace is activated (opened, or its tab chosen again). */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this.editor.editor.focus();
  }

  private editorExtensions() {
    return [
      // Above JupyterLab's own SQL mode (from the mime type), which knows no schema.
      Prec.highest(this.language.of(this.sqlLanguage())),
      autocompletion({ activateOnTyping: true }),
      Prec.highest(
        keymap.of([
          { key: 'Shift-Enter', run: () => (void this.run(), true) },
          { key: 'Mod-Enter', run: () => (void this.run(), true) }
        ])
      )
    ];
  }

  /** Completion follows the engine's tables: the SQL language is reconfigured with the new schema. */
  private updateCompletion(): void {
    const view = (this.editor.editor as CodeMirrorEditor).editor;
    view.dispatch({ effects: this.language.reconfigure(this.sqlLanguage()) });
  }

  private sqlLanguage() {
    const schema: Record<string, string[]> = {};
    for (const t of this.tables) schema[t.name] = t.columns.map(c => c.name);
    return sqlLanguage({
      dialect: PostgreSQL,
      schema,
      // Columns of the harmonised view complete without a table prefix: it is what most queries read.
      defaultTable: schema[HARMONISED_VIEW] ? HARMONISED_VIEW : undefined,
      upperCaseKeywords: true
    });
  }

  private insert(text: string): void {
    const editor = this.editor.editor;
    const position = editor.getCursorPosition();
    const offset = editor.getOffsetAt(position);
    const source = this.sql;
    this.sql = source.slice(0, offset) + text + source.slice(offset);
    editor.setCursorPosition(editor.getPositionAt(offset + text.length)!);
    editor.focus();
  }

  private showTable(table: Table): void {
    this.table = table;
    this.grid.dataModel = new ArrowDataModel(table);
    this.grid.selectionModel = new BasicSelectionModel({ dataModel: this.grid.dataModel });
    this.chartStale = true;
    this.tabs.currentWidget = this.grid;
    this.updateResultButtons();
  }

  /**
   * After a failed or cancelled query there is no result: the previous one is not the answer to the
   * query in the editor, so the grid is emptied, and exports and charts wait for a query that succeeds.
   * `reason` is what the disabled export buttons say.
   */
  private clearResult(reason: string): void {
    this.noResultReason = reason;
    this.table = null;
    this.resultSql = null;
    this.grid.selectionModel = null;
    this.grid.dataModel = null;
    this.spec = null;
    this.chartStale = true;
    this.tabs.currentWidget = this.grid;
    this.updateResultButtons();
  }

  /** The chart's buttons; `charted`: whether a chart is shown (its specification can be shown, copied). */
  private renderChartToolbar(
    kinds: ChartKind[],
    current: ChartKind | undefined,
    charted: boolean
  ): void {
    const labels: Record<ChartKind, string> = {
      line: this.trans.__('Line over time'),
      climatology: this.trans.__('Climatology (month × year)'),
      scatter: this.trans.__('Scatter')
    };
    // A new toolbar for each result: the choice of charts depends on its columns.
    this.chartToolbar.dispose();
    this.chartToolbar = new Toolbar();
    this.chartButtons = [];
    for (const kind of kinds) {
      const button = new ResultButton({
        label: labels[kind],
        pressed: kind === current,
        onClick: () => void this.showChart(kind)
      });
      this.chartButtons.push(button);
      this.chartToolbar.addItem(`chart-${kind}`, button);
    }
    this.chartToolbar.addItem(
      'spec',
      new ToolbarButton({
        label: this.trans.__('Vega-Lite spec'),
        tooltip: this.trans.__('Show or hide the chart specification'),
        enabled: charted,
        onClick: () => (this.specView.isHidden ? this.specView.show() : this.specView.hide())
      })
    );
    const copy = new ResultButton({
      icon: copyIcon,
      tooltip: this.trans.__('Copy the Vega-Lite specification (with its data) to the clipboard'),
      enabled: charted,
      onClick: () => void navigator.clipboard.writeText(JSON.stringify(this.spec, null, 2))
    });
    // Without a chart there is nothing to copy, whatever the result.
    if (charted) this.chartButtons.push(copy);
    this.chartToolbar.addItem('copy-spec', copy);
    this.chart.insertWidget(0, this.chartToolbar);
    this.updateResultButtons();
  }

  private async renderSpec(spec: VegaLiteSpec): Promise<void> {
    const { default: embed } = await import('vega-embed');
    this.chartHandle?.finalize();
    this.chartView.node.replaceChildren();
    const result = await embed(this.chartView.node, spec as never, {
      actions: false,
      renderer: 'svg'
    });
    this.chartHandle = result;
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.contents.get(path, { content: false });
      return true;
    } catch {
      return false;
    }
  }

  private async loadHistory(): Promise<void> {
    const saved = this.state
      ? ((await this.state.fetch(HISTORY_KEY)) as HistoryEntry[] | undefined)
      : undefined;
    this.renderHistory(saved ?? []);
  }

  private async remember(entry: HistoryEntry): Promise<void> {
    const saved = this.state
      ? ((await this.state.fetch(HISTORY_KEY)) as HistoryEntry[] | undefined)
      : undefined;
    const history = addToHistory(saved ?? [], entry);
    if (this.state) await this.state.save(HISTORY_KEY, history as never);
    this.renderHistory(history);
  }

  private renderHistory(history: HistoryEntry[]): void {
    const items = history.map(entry => {
      const li = document.createElement('li');
      li.className = 'odatis-SqlWorkspace-historyItem';
      const code = document.createElement('code');
      code.textContent = entry.sql;
      const meta = document.createElement('span');
      meta.className = 'odatis-SqlWorkspace-historyMeta';
      const at = entry.at.slice(0, 19).replace('T', ' ');
      meta.textContent = entry.error
        ? this.trans.__(
            '%1 · %2',
            at,
            entry.error === 'cancelled' ? this.trans.__('cancelled') : this.trans.__('error')
          )
        : this.trans.__(
            '%1 · %2 rows · %3 s',
            at,
            entry.rows ?? 0,
            ((entry.elapsedMs ?? 0) / 1000).toFixed(2)
          );
      li.append(code, meta);
      li.title = this.trans.__('Click to put this query in the editor');
      li.onclick = () => {
        this.sql = entry.sql;
        this.editor.editor.focus();
      };
      return li;
    });
    this.history.node.replaceChildren(...items);
  }

  private setStatus(text: string): void {
    this.status.node.textContent = text;
  }

  /** The engine's name in the person's language (the services' status bar translates the same labels). */
  private engineLabel(kind: EngineKind): string {
    return this.trans.__(engineLabel(kind));
  }

  /** The language of what the workspace says: the extension's `translator.load('odatis_vre')`. */
  private readonly trans: Messages;
  private readonly contents: Contents.IManager;
  private readonly state: IStateDB | null;
  private readonly exportDir: string;
  private readonly editorModel: CodeEditor.Model;
  private readonly toolbar: Toolbar;
  private readonly runButton: ToolbarButton;
  private readonly exportButtons: ResultButton[] = [];
  /** The chart's buttons that act on the result: the kinds of chart, and the copy of the one shown. */
  private chartButtons: ResultButton[] = [];
  /** What the buttons acting on the result say when there is none: why there is none. */
  private noResultReason: string;
  private readonly cancelButton: ToolbarButton;
  private readonly status: Widget;
  private readonly schemaList: Widget;
  /** Where query errors and the engine's notices go, in full. */
  private readonly error: MessageStrip;
  /** The result grid (virtualised: it draws only the visible cells). */
  readonly grid: DataGrid;
  private readonly chart: Panel;
  private chartToolbar: Toolbar;
  private readonly chartView: Widget;
  private readonly specView: Widget;
  private readonly history: Widget;
  private readonly tabs: TabPanel;
  private controller: AbortController | null = null;
  private exportController: AbortController | null = null;
  /** The SQL of the result shown: what an export runs again, in the engine. */
  private resultSql: string | null = null;
  private ticker = 0;
  private table: Table | null = null;
  private tables: TableInfo[] = [];
  private spec: VegaLiteSpec | null = null;
  private chartStale = true;
  private readonly language = new Compartment();
  private stopListening: () => void = () => undefined;
  private chartKind: ChartKind | undefined = undefined;
  private chartHandle: { finalize(): void } | null = null;
  private resultWasAvailable = false;
  private readonly resultAvailabilityChangedSignal = new Signal<this, boolean>(this);
}

/**
 * A toolbar button acting on the result: when disabled, its tooltip says why. `ToolbarButton` draws the
 * props it was given, this very object: the reason is written there before the button is drawn again.
 */
class ResultButton extends ToolbarButton {
  constructor(props: ToolbarButtonComponent.IProps) {
    const own = { ...props };
    super(own);
    this.own = own;
  }

  /** Why the button cannot act now, said by its tooltip while it is disabled; null: it can, enabled. */
  set unavailable(reason: string | null) {
    this.own.disabledTooltip = reason ?? undefined;
    this.enabled = reason === null;
    this.update();
  }

  private readonly own: ToolbarButtonComponent.IProps;
}

export namespace SqlWorkspace {
  export interface IOptions {
    engine: QueryEngine | Promise<QueryEngine>;
    editorFactory: IEditorFactoryService;
    contents: Contents.IManager;
    state?: IStateDB | null;
    /** Initial SQL. */
    sql?: string;
    /** Folder where exports go (default: the root). */
    exportDir?: string;
    /** The language of what the workspace says: the extension's `translator.load('odatis_vre')`; default English. */
    trans?: Messages;
  }
}
