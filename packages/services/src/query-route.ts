/**
 * Each query on the engine where its data live: a dataset of the harmonised catalogue that is meant for the
 * server (`queryPlace: server`, or at least `serverMinRows` rows) is queried by native DuckDB on the server,
 * while the session's small datasets, files of your browser storage and offline use stay in the browser.
 * Both engines answer with the same Arrow tables; each result says which engine answered it, and why it ran
 * in the browser when its data were meant for the server.
 */
import {
  englishMessages,
  HARMONISED_VIEW,
  queryPlaceOf,
  type Catalog,
  type CatalogDataset,
  type Messages
} from '@odatis-vre/harmonised';
import {
  createExportStream,
  createQueryStream,
  engineLabel,
  errorMessage,
  ServerUnreachableError,
  type AttachedDataset,
  type EngineEvent,
  type EngineKind,
  type ExportOptions,
  type ExportStream,
  type FileSource,
  type HarmonisedDataset,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
  type QueryStream,
  type RegisterOptions,
  type StreamOptions,
  type TableInfo
} from '@odatis-vre/query';

/** How a stream announces its schema (`createQueryStream`'s callback). */
type SetSchema = Parameters<Parameters<typeof createQueryStream>[0]>[0];

/** The names and string literals of an SQL text, comments left out. */
export interface SqlWords {
  /** Unquoted names, lower-cased, and quoted names as written. */
  names: Set<string>;
  /** String literals, unescaped. */
  strings: Set<string>;
}

/** The names and strings of `sql` (a scanner, not a parser: enough to see which relations and values it names). */
export function sqlWords(sql: string): SqlWords {
  const names = new Set<string>();
  const strings = new Set<string>();
  let i = 0;
  const quoted = (quote: string): string => {
    let text = '';
    for (i++; i < sql.length; i++) {
      if (sql[i] === quote) {
        if (sql[i + 1] !== quote) break;
        i++;
      }
      text += sql[i];
    }
    i++;
    return text;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'") {
      strings.add(quoted("'"));
    } else if (c === '"') {
      names.add(quoted('"'));
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
      names.add(word.toLowerCase());
      i += word.length;
    } else {
      i++;
    }
  }
  return { names, strings };
}

/** Whether a dataset is queried on the server under `auto`: as its catalogue says, else from its size. */
export function isServerDataset(
  dataset: Pick<CatalogDataset, 'rowCount' | 'queryPlace'>,
  serverMinRows: number
): boolean {
  const place = queryPlaceOf(dataset);
  return place === 'server' || (place === 'both' && dataset.rowCount >= serverMinRows);
}

/** Where one query runs, and why (in a sentence). */
export interface QueryRoute {
  engine: 'browser' | 'server';
  reason: string;
  /** The datasets meant for the server that the query reads (by id). */
  serverDatasets: string[];
}

export interface RouteOptions {
  /** The session's harmonised catalogue (null: not read, or none: everything stays in the browser). */
  catalog: Catalog | null;
  /** `auto` queries a dataset of at least this many rows on the server (default of `queryPlace`: 5 M). */
  serverMinRows: number;
  /** Name of the harmonised relation (`harmonised`). */
  relation?: string;
  /** Tables that only the browser engine holds (files of the browser storage loaded by path). */
  browserOnly?: ReadonlySet<string>;
}

function values(count: number): string {
  return `${count.toLocaleString('en')} values`;
}

/**
 * Where `sql` runs under `auto`. On the server when it reads the harmonised relation and, of its datasets,
 * one meant for the server: named by its id (`dataset = '…'`, as the data browser's SQL does), or by its
 * SNO or a station of its own; or, naming none of them, when the relation holds one (the query may read
 * all of it). Everything else in the browser.
 */
export function routeQuery(sql: string, options: RouteOptions): QueryRoute {
  const relation = options.relation ?? HARMONISED_VIEW;
  const { names, strings } = sqlWords(sql);
  const browser = (reason: string): QueryRoute => ({
    engine: 'browser',
    reason,
    serverDatasets: []
  });
  if (!names.has(relation.toLowerCase()) && !names.has(relation)) {
    return browser(`it does not read the ${relation} dataset`);
  }
  const catalog = options.catalog;
  if (!catalog) return browser(`the catalogue of the ${relation} dataset is not read`);
  const local = [...(options.browserOnly ?? [])].find(name => names.has(name));
  if (local !== undefined) return browser(`it reads ${local}, which only the browser holds`);
  const byId = catalog.datasets.filter(d => strings.has(d.id));
  const named = byId.length
    ? byId
    : catalog.datasets.filter(d => strings.has(d.sno) || d.sites.some(s => strings.has(s)));
  const read = named.length ? named : catalog.datasets;
  const large = read.filter(d => isServerDataset(d, options.serverMinRows));
  if (!large.length) {
    return browser(
      named.length
        ? `${named.map(d => d.id).join(', ')}: small enough for the browser`
        : `every dataset of ${relation} is small enough for the browser`
    );
  }
  const which = large.map(d => `${d.id} (${values(d.rowCount)})`).join(', ');
  return {
    engine: 'server',
    reason: named.length
      ? `${which}: meant for the server engine`
      : `it names no dataset of ${relation}, which holds ${which}, meant for the server engine`,
    serverDatasets: large.map(d => d.id)
  };
}

/**
 * Whether the session's engine routes each query (`auto`). By shape, not `instanceof`: each extension
 * bundle may hold its own copy of this module.
 */
export function isRoutedEngine(engine: unknown): engine is RoutedQueryEngine {
  return typeof (engine as RoutedQueryEngine | null)?.forDataset === 'function';
}

export interface RoutedEngineOptions {
  /** DuckDB-WASM in this browser: the default, and the fallback. */
  browser: QueryEngine;
  /** Native DuckDB on the server, with the session's harmonised dataset; null when there is none. */
  server: QueryEngine | null;
  /** Why there is no server engine (a sentence), when `server` is null. */
  serverProblem?: string;
  /** Rows of the harmonised relation on the server (checked against the catalogue before routing). */
  serverRows?: number;
  /** `auto` queries a dataset of at least this many rows on the server. */
  serverMinRows: number;
  relation?: string;
  /** The language of the notices: the extension's `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

/** The engine of one query, and a notice when it is not where the query's data are meant to be queried. */
export interface ChosenForQuery {
  engine: QueryEngine;
  route: QueryRoute;
  notice?: string;
}

/**
 * The session's engine under `auto`: one `QueryEngine` whose queries each run where their data live
 * (`routeQuery`). Its own `kind` is the browser's (files and the harmonised dataset attach there); each
 * result says which engine answered (`QueryResult.engine`) and, when a query meant for the server ran in
 * the browser (no server, or it stopped answering), why (`QueryResult.notice`).
 */
export class RoutedQueryEngine implements QueryEngine {
  readonly kind: EngineKind;

  constructor(private readonly options: RoutedEngineOptions) {
    this.kind = options.browser.kind;
    this.trans = options.trans ?? englishMessages;
  }

  /** Where the catalogue of the harmonised dataset comes from (the session's `IHarmonisedDataset`). */
  useCatalog(read: () => Promise<Catalog>): void {
    this.readCatalog = read;
  }

  /** The server engine, when the session has one. */
  get server(): QueryEngine | null {
    return this.options.server;
  }

  /** The engine that will answer `sql`, and why. */
  async choose(sql: string): Promise<ChosenForQuery> {
    let catalog: Catalog | null = null;
    try {
      catalog = this.readCatalog ? await this.readCatalog() : null;
    } catch {
      // The data services say why the catalogue is missing; without it, the browser answers.
    }
    const route = routeQuery(sql, {
      catalog,
      serverMinRows: this.options.serverMinRows,
      relation: this.options.relation,
      browserOnly: this.browserOnly
    });
    if (route.engine === 'browser') return { engine: this.options.browser, route };
    const problem = this.serverProblem(catalog!);
    if (problem) {
      return { engine: this.options.browser, route, notice: this.ranInBrowser(route, problem) };
    }
    return { engine: this.options.server!, route };
  }

  /** Which engine answers a dataset of the catalogue (the data browser says it before a query runs). */
  forDataset(
    dataset: Pick<CatalogDataset, 'rowCount' | 'queryPlace'>,
    catalog: Catalog | null
  ): { kind: EngineKind; notice?: string } {
    if (!isServerDataset(dataset, this.options.serverMinRows)) return { kind: this.kind };
    const problem = catalog
      ? this.serverProblem(catalog)
      : this.trans.__('the catalogue is not read');
    return problem
      ? { kind: this.kind, notice: this.trans.__('It runs in this browser: %1.', problem) }
      : { kind: this.options.server!.kind };
  }

  async version(): Promise<string> {
    return this.options.browser.version();
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const chosen = await this.choose(sql);
    try {
      return await this.answered(chosen, sql, options);
    } catch (e) {
      if (!(e instanceof ServerUnreachableError) || chosen.engine === this.options.browser) throw e;
      // The server stopped answering (offline): the browser reads the same data.
      const notice = this.ranInBrowser(chosen.route, errorMessage(e, this.trans));
      return this.answered({ ...chosen, engine: this.options.browser, notice }, sql, options);
    }
  }

  stream(sql: string, options: StreamOptions = {}): QueryStream {
    let inner: QueryStream | null = null;
    let stopped = false;
    return createQueryStream(
      async function* (this: RoutedQueryEngine, setSchema: SetSchema) {
        const { engine } = await this.choose(sql);
        if (stopped) return;
        inner = engine.stream(sql, options);
        try {
          for await (const batch of inner) {
            setSchema(await inner.schema);
            yield batch;
          }
          setSchema(await inner.schema);
        } finally {
          await inner.cancel();
        }
      }.bind(this),
      async () => {
        stopped = true;
        await inner?.cancel();
      }
    );
  }

  exportQuery(sql: string, options: ExportOptions): ExportStream {
    let inner: ExportStream | null = null;
    let stopped = false;
    return createExportStream(
      async function* (this: RoutedQueryEngine) {
        const { engine } = await this.choose(sql);
        if (stopped) return;
        inner = engine.exportQuery(sql, options);
        yield* inner;
      }.bind(this),
      () => inner?.rows ?? 0,
      async () => {
        stopped = true;
        await inner?.cancel();
      }
    );
  }

  /** Files are loaded into the browser engine: queries that name them stay there. */
  async registerFile(name: string, source: FileSource, options?: RegisterOptions): Promise<void> {
    await this.options.browser.registerFile(name, source, options);
    this.browserOnly.add(name);
  }

  /** Attached in the browser; the server attaches the same dataset next to the data when it starts. */
  attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset> {
    return this.options.browser.attachHarmonised(dataset);
  }

  listTables(): Promise<TableInfo[]> {
    return this.options.browser.listTables();
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    const off = [this.options.browser, this.options.server].map(e => e?.onEvent(listener));
    return () => off.forEach(o => o?.());
  }

  async close(): Promise<void> {
    await Promise.all([this.options.browser.close(), this.options.server?.close()]);
  }

  private async answered(
    chosen: ChosenForQuery,
    sql: string,
    options: QueryOptions
  ): Promise<QueryResult> {
    const result = await chosen.engine.query(sql, options);
    return {
      ...result,
      engine: result.engine ?? chosen.engine.kind,
      ...(chosen.notice ? { notice: chosen.notice } : {})
    };
  }

  /** Why the server cannot answer this session's harmonised dataset, or null when it can. */
  private serverProblem(catalog: Catalog): string | null {
    const { server, serverRows, serverProblem } = this.options;
    if (!server) return serverProblem ?? this.trans.__('this session has no server engine');
    if (serverRows !== undefined && serverRows !== catalog.rowCount) {
      return this.trans.__(
        "the server engine's %1 has %2 values, this session's catalogue %3 values: not the same dataset",
        this.options.relation ?? HARMONISED_VIEW,
        serverRows.toLocaleString('en'),
        catalog.rowCount.toLocaleString('en')
      );
    }
    return null;
  }

  private ranInBrowser(route: QueryRoute, problem: string): string {
    return this.trans.__(
      '%1 is meant for the server engine, which cannot answer (%2): the query ran in this browser (%3), which downloads what it reads.',
      route.serverDatasets.join(', '),
      problem,
      this.trans.__(engineLabel(this.options.browser.kind))
    );
  }

  private readonly trans: Messages;
  private readCatalog: (() => Promise<Catalog>) | null = null;
  private readonly browserOnly = new Set<string>();
}
