/**
 * The preloaded `neo` object of the NEO kernel: SQL on the session's engine, files by path, the niche
 * analyses of @odatis-vre/niche (numerically ade4's) and Vega-Lite plots. `NEO_DOCS` documents each member
 * for inspection (Shift+Tab) and completion.
 */
import type { Table } from 'apache-arrow';
import type { TableInfo } from '@odatis-vre/query';
import { messageText, msgid, type MessageText, type Messages } from '@odatis-vre/harmonised';
import {
  centroidTrend,
  correctedSeasonalKendall,
  environmentalPca,
  mannKendall,
  nicheCentroidTrends,
  nicheParameters,
  omiAnalysis,
  omiPermutationTest,
  omiSpeciesResponses,
  periodOf,
  pivotHarmonised,
  seasonalKendall,
  sensSlope,
  speciesResponses,
  tableToRecords,
  witomi,
  NicheInputError,
  type DataTable,
  type NicheInput,
  type OmiOptions,
  type OmiResult,
  type PcaResult
} from '@odatis-vre/niche';
import * as workshop from '@odatis-vre/workshop';
import type { HarmonisedSource } from '@odatis-vre/workshop';
import { inspect } from './inspect';
import { createPlot } from './plot';
import type { QueryEngineInfo } from './protocol';

/** What `neo` needs from the kernel: SQL and files through the page's query engine. */
export interface NeoServices {
  sql(query: string): Promise<Table>;
  registerFile(path: string): Promise<string>;
  listTables(): Promise<TableInfo[]>;
  dataset(folder?: string): Promise<HarmonisedSource>;
  /** The engine that answers `sql` and `%%sql`. */
  engine: QueryEngineInfo;
  /** The page's messages for the plots' titles (`PLOT_MESSAGES`); default English. */
  trans?: Messages;
  /** What `render` gives in the page's language (`inPageLanguage`): `neo.help`'s pages. */
  inPageLanguage<T>(render: (trans: Messages) => T): Promise<T>;
}

/**
 * A `neo` function refused an argument: which function, what it expected and what it was given. A
 * `NicheInputError` (an input a person can act on), its message and expectation given as msgids.
 */
export class NeoArgumentError extends NicheInputError<'bad-argument'> {
  constructor(call: string, expected: MessageText, found: unknown) {
    super('bad-argument', messageText('%1 needs %2, found %3', call, expected, shown(found)), {
      expected,
      found: shown(found)
    });
    this.name = 'NeoArgumentError';
  }
}

/** A value as an error shows what was found: REPL-like, cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : inspect(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Refuses a `neo` argument that is not a string: `what` says which argument, in words. */
function needString(value: unknown, call: string, what: MessageText): string {
  if (typeof value !== 'string') {
    throw new NeoArgumentError(call, messageText('%1 as a string', what), value);
  }
  return value;
}

function isNicheInput(value: unknown): value is NicheInput {
  const v = value as NicheInput;
  return typeof v === 'object' && v !== null && 'abundance' in v && 'environment' in v;
}

function isPca(value: unknown): value is PcaResult {
  const v = value as PcaResult;
  return typeof v === 'object' && v !== null && 'tab' in v && 'eig' in v && 'li' in v;
}

/** The value of a dotted name of `NEO_DOCS` in `neo` (`neo.plot.line`), or undefined. */
function memberAt(neo: object, name: string): unknown {
  const [root, ...path] = name.split('.');
  if (root !== 'neo') return undefined;
  let value: unknown = neo;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function createNeo(services: NeoServices) {
  const neo = {
    sql: (query: string): Promise<Table> =>
      services.sql(needString(query, 'neo.sql', messageText('the query'))),
    engine: Object.freeze({ ...services.engine }),
    table: async (path: string): Promise<Table> => {
      const file = needString(path, 'neo.table', messageText('the path of a file'));
      const name = await services.registerFile(file);
      return services.sql(`SELECT * FROM "${name.replace(/"/g, '""')}"`);
    },
    tables: (): Promise<TableInfo[]> => services.listTables(),
    dataset: (folder?: string): Promise<HarmonisedSource> =>
      services.dataset(
        folder === undefined
          ? undefined
          : needString(folder, 'neo.dataset', messageText('the folder of the dataset'))
      ),
    pivot: pivotHarmonised,
    pca: environmentalPca,
    omi(
      input: NicheInput | PcaResult,
      abundanceOrOptions?: DataTable | (OmiOptions & { nfPca?: number }),
      options?: OmiOptions
    ): OmiResult {
      if (!isNicheInput(input) && !isPca(input)) {
        throw new NeoArgumentError(
          'neo.omi',
          messageText('the result of neo.pivot or of neo.pca'),
          input
        );
      }
      if (isNicheInput(input)) {
        const opts = (abundanceOrOptions ?? {}) as OmiOptions & { nfPca?: number };
        const pca = environmentalPca(input.environment, {
          nf: opts.nfPca ?? input.environment.nCols
        });
        return omiAnalysis(pca, input.abundance, opts);
      }
      return omiAnalysis(input, abundanceOrOptions as DataTable, options);
    },
    nicheParams: nicheParameters,
    rtest: omiPermutationTest,
    witomi,
    responses: (input: NicheInput | OmiResult) =>
      isNicheInput(input)
        ? speciesResponses(input.abundance, input.environment)
        : omiSpeciesResponses(input),
    mannKendall,
    sensSlope,
    seasonalKendall,
    correctedSeasonalKendall,
    centroidTrend,
    centroidTrends: nicheCentroidTrends,
    periodOf,
    records: tableToRecords,
    plot: createPlot(services.trans),
    workshop,
    /** The page of `NEO_DOCS` about a name (`'neo.omi'`) or a member of `neo` (`neo.omi`), in the page's language. */
    help: async (topic: unknown = 'neo'): Promise<Record<string, string>> => {
      const name =
        typeof topic === 'string'
          ? topic
          : Object.keys(NEO_DOCS).find(key => memberAt(neo, key) === topic);
      const doc = name === undefined ? undefined : NEO_DOCS[name];
      if (!doc) {
        throw new NeoArgumentError(
          'neo.help',
          messageText('a member of neo or one of %1', Object.keys(NEO_DOCS).join(', ')),
          topic
        );
      }
      return services.inPageLanguage(trans => docBundle(doc, trans));
    }
  };
  return neo;
}

export type Neo = ReturnType<typeof createNeo>;

export interface Doc {
  signature: string;
  /** A msgid, marked with `msgid()`; `%1` stands for the `%%sql` magic (gettext reads a `%%` as `%`). */
  doc: string;
}

/** A documentation page as the inspector (Shift+Tab) and `neo.help` show it, its text in the language of `trans`. */
export function docBundle(doc: Doc, trans: Messages): Record<string, string> {
  const text = trans.__(doc.doc, '%%sql');
  return {
    'text/markdown': `\`\`\`ts\n${doc.signature}\n\`\`\`\n\n${text}`,
    'text/plain': `${doc.signature}\n\n${text}`
  };
}

/** Documentation of `neo` and of the kernel's globals, by dotted name. */
export const NEO_DOCS: Record<string, Doc> = {
  neo: {
    signature: 'neo',
    doc: msgid(
      'The NEO toolbox: `neo.sql` and `neo.table` query the shared data and your files with DuckDB; ' +
        '`neo.pivot`, `neo.pca`, `neo.omi`, `neo.nicheParams`, `neo.rtest`, `neo.witomi`, `neo.responses` ' +
        'and the trend tests run the niche analyses (the numbers of R ade4); `neo.plot.*` draws Vega-Lite charts; ' +
        '`neo.help(neo.omi)` explains a member.'
    )
  },
  'neo.help': {
    signature: 'neo.help(topic?: string | Function): Promise<MimeBundle>',
    doc: msgid(
      'The page of a member of `neo` (or of `display`), as Shift+Tab on its name shows it: ' +
        "`neo.help(neo.omi)` or `neo.help('neo.omi')`; `neo.help()` is the page of `neo`."
    )
  },
  'neo.engine': {
    signature: 'neo.engine: { kind: string; label: string }',
    doc: msgid(
      'Which engine answers `neo.sql` and `%1`: DuckDB-WASM in this browser, or native DuckDB on the server ' +
        "next to the data (the data services' `engine` setting chooses; under `auto`, a query that reads a dataset " +
        'meant for the server runs there, and the `%1` footer names the engine that answered).'
    )
  },
  'neo.sql': {
    signature: 'neo.sql(query: string): Promise<Table>',
    doc: msgid(
      "Runs SQL on the session's DuckDB (the engine of the SQL workspace) and resolves with an Arrow table. " +
        'The harmonised shared data is the table `harmonised`; a file is queried by path: ' +
        "`FROM 'shared/x.parquet'`. A `%1` cell does the same and shows the table."
    )
  },
  'neo.table': {
    signature: 'neo.table(path: string): Promise<Table>',
    doc: msgid(
      'Loads a .parquet, .arrow or .csv file of your files or of shared/ (path relative to the notebook, ' +
        'or to the root) and resolves with its rows as an Arrow table. In SQL, the file is the table "path".'
    )
  },
  'neo.tables': {
    signature: 'neo.tables(): Promise<TableInfo[]>',
    doc: msgid('The tables and views of the engine, with their columns and DuckDB types.')
  },
  'neo.dataset': {
    signature:
      'neo.dataset(folder?: string): Promise<{ folder: string; source: string; catalog: Catalog }>',
    doc: msgid(
      "A harmonised dataset by the folder of its catalog.json (default: the session's shared data): its " +
        'catalogue (datasets with DOI and licence, stations, parameters) and `source`, what SQL reads of it: ' +
        '`harmonised` for the shared data, else the path of its Arrow file, e.g. ' +
        "`neo.dataset('my-data/harmonised')`."
    )
  },
  'neo.workshop': {
    signature: 'neo.workshop',
    doc: msgid(
      "The NEO workshop templates' steps (@odatis-vre/workshop): `pairingQuery` and `pairSamples` (biology and " +
        'hydrology of different services and dates paired within a window, with a report), figures after the ade4 ' +
        'and subniche plots (`correlationCircle`, `nichePositions`, `permutationHistogram`, `subsetOrigins`, ' +
        '`subniches`, `trendLines`, `centroidLatitude`), `subnicheTests` (WitOMI tests), tables with CSV downloads ' +
        'and `citationTable`.'
    )
  },
  'neo.pivot': {
    signature: 'neo.pivot(table: Table, options: PivotOptions): NicheInput',
    doc: msgid(
      'Pivots the harmonised long table into the samples × taxa (`abundance`) and samples × variables ' +
        '(`environment`) tables of a niche analysis. What is counted is explicit: `abundance: { parameter, ' +
        "unit }` (e.g. `{ parameter: 'cell_abundance', unit: 'cells/L' }`) is summed per taxon, `environment` " +
        "lists the variables (codes, or `{ parameter, unit }`, e.g. `['TEMP', 'PSAL']`). Other parameters are " +
        'never read; a parameter in several units without a chosen unit is an error that lists them. A sample ' +
        "is (site_id, time, depth), or its UTC date with `pairBy: 'day'`. Options: `taxa`, `acceptedQuality`, " +
        '`keepSamplesWithoutTaxa`. `units` gives the unit of each column, `dropped` counts what was left out.'
    )
  },
  'neo.pca': {
    signature: 'neo.pca(environment: DataTable, options?: { nf?: number }): PcaResult',
    doc: msgid(
      'ade4 `dudi.pca(scale = TRUE)` of the environment table: eigenvalues `eig`, scores `li`, `co`, `c1`.'
    )
  },
  'neo.omi': {
    signature:
      'neo.omi(pivot: NicheInput, options?: { nf?: number }): OmiResult\nneo.omi(pca: PcaResult, abundance: DataTable, options?): OmiResult',
    doc: msgid(
      'ade4 `niche(pca, Y)`: the Outlying Mean Index analysis. Given a pivot, the PCA of its environment is ' +
        'computed first (all axes kept, as `dudi.pca(scannf = FALSE, nf = p)`). Species positions are `li`, ' +
        'variables `co`, eigenvalues `eig`. Draw it with `neo.plot.omi(result)`.'
    )
  },
  'neo.nicheParams': {
    signature: 'neo.nicheParams(omi: OmiResult): NicheParameters',
    doc: msgid(
      'ade4 `niche.param`: per species, inertia, OMI (marginality), Tol and Rtol, with their shares of the ' +
        'inertia (unrounded; ade4 prints round(share, 3) × 100).'
    )
  },
  'neo.rtest': {
    signature:
      'neo.rtest(omi: OmiResult, options?: { permutations?: number; seed?: number; generator?: "fast" | "R" }): OmiPermutationTest',
    doc: msgid(
      'ade4 `rtest.niche`: permutation test of each species\' OMI and of the mean OMI. `generator: "R"` ' +
        "reproduces R's set.seed stream exactly."
    )
  },
  'neo.witomi': {
    signature:
      'neo.witomi(omi: OmiResult, factor: ArrayLike<string | number>, options?): WitOmiResult',
    doc: msgid(
      'Within-OMI (subniche): the niche of each species in each subset of samples (site, period, season…).'
    )
  },
  'neo.responses': {
    signature: 'neo.responses(input: NicheInput | OmiResult): SpeciesResponses',
    doc: msgid(
      'Abundance-weighted mean (niche position) and SD (breadth) of each species along each raw variable.'
    )
  },
  'neo.mannKendall': {
    signature:
      'neo.mannKendall(values: ArrayLike<number>, times?: ArrayLike<number>): MannKendallResult',
    doc: msgid('Mann–Kendall trend test (trend::mk.test): S, variance, tau, z and p-values.')
  },
  'neo.sensSlope': {
    signature:
      'neo.sensSlope(values: ArrayLike<number>, times?: ArrayLike<number>, confidence = 0.95): SensSlopeResult',
    doc: msgid("Sen's slope with its confidence interval (trend::sens.slope).")
  },
  'neo.seasonalKendall': {
    signature:
      'neo.seasonalKendall(values: ArrayLike<number>, season: ArrayLike<string | number>, year: ArrayLike<number>): SeasonalKendallResult',
    doc: msgid('Hirsch–Slack seasonal Kendall test and the seasonal Sen slope.')
  },
  'neo.correctedSeasonalKendall': {
    signature:
      'neo.correctedSeasonalKendall(yearsBySeasons: DataTable): CorrectedSeasonalKendallResult',
    doc: msgid('Seasonal Kendall corrected for the covariance between seasons (trend::csmk.test).')
  },
  'neo.centroidTrend': {
    signature:
      'neo.centroidTrend(weights: ArrayLike<number>, values: ArrayLike<number>, period: ArrayLike<number>): CentroidTrend',
    doc: msgid(
      'Abundance-weighted centroid per period, then Mann–Kendall and Sen on the centroids.'
    )
  },
  'neo.centroidTrends': {
    signature:
      'neo.centroidTrends(abundance: DataTable, environment: DataTable, period: ArrayLike<number>): CentroidTrend[]',
    doc: msgid('`neo.centroidTrend` for every species × variable of a pivot.')
  },
  'neo.periodOf': {
    signature: 'neo.periodOf(timeMs: number, windowYears = 1, originYear = 1970): number',
    doc: msgid('The year (or the first year of a window of years) of a time, for trend periods.')
  },
  'neo.records': {
    signature: 'neo.records(table: DataTable, idName = "id"): Record<string, number | string>[]',
    doc: msgid('Rows of a niche table as plain objects, e.g. for a Vega-Lite `data.values`.')
  },
  'neo.plot': {
    signature: 'neo.plot.{line, climatology, scatter, bar, omi}',
    doc: msgid(
      'Vega-Lite charts, drawn by JupyterLab when they are the value of a cell or given to `display`.'
    )
  },
  'neo.plot.line': {
    signature: 'neo.plot.line(table: Table, options?: { time?, y?, color?, title? }): VegaLiteSpec',
    doc: msgid(
      'A value over time; colour by a column (site_id, parameter…). Columns are guessed when not given.'
    )
  },
  'neo.plot.climatology': {
    signature: 'neo.plot.climatology(table: Table, options?: { time?, y? }): VegaLiteSpec',
    doc: msgid('Monthly mean by year of a value (a heat map month × year).')
  },
  'neo.plot.scatter': {
    signature: 'neo.plot.scatter(table: Table, options?: { x?, y?, color? }): VegaLiteSpec',
    doc: msgid('One numeric column against another.')
  },
  'neo.plot.bar': {
    signature: 'neo.plot.bar(table: Table, options?: { x?, y?, color? }): VegaLiteSpec',
    doc: msgid(
      'Bars of a value by category; by default the first column is the category, the second the value.'
    )
  },
  'neo.plot.omi': {
    signature: 'neo.plot.omi(omi: OmiResult): VegaLiteSpec',
    doc: msgid(
      'Species niche positions on the first two OMI axes, with the environmental variables as arrows.'
    )
  },
  display: {
    signature: 'display(value: unknown): void',
    doc: msgid(
      "Shows a value below the cell now, as the cell's result would be shown: Arrow tables as tables, " +
        'Vega-Lite specs as charts, a MIME bundle such as `{"text/html": "<b>hi</b>"}` as it is.'
    )
  }
};
