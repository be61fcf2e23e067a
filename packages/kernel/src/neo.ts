/**
 * The preloaded `neo` object of the NEO kernel: SQL on the session's engine, files by path, the niche
 * analyses of @odatis-vre/niche (numerically ade4's) and Vega-Lite plots. `NEO_DOCS` documents each member
 * for inspection (Shift+Tab) and completion.
 */
import type { Table } from 'apache-arrow';
import type { TableInfo } from '@odatis-vre/query';
import type { Messages } from '@odatis-vre/harmonised';
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
  type DataTable,
  type NicheInput,
  type OmiOptions,
  type OmiResult,
  type PcaResult
} from '@odatis-vre/niche';
import * as workshop from '@odatis-vre/workshop';
import type { HarmonisedSource } from '@odatis-vre/workshop';
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
}

function isNicheInput(value: unknown): value is NicheInput {
  const v = value as NicheInput;
  return typeof v === 'object' && v !== null && 'abundance' in v && 'environment' in v;
}

export function createNeo(services: NeoServices) {
  return {
    sql: (query: string): Promise<Table> => services.sql(query),
    engine: Object.freeze({ ...services.engine }),
    table: async (path: string): Promise<Table> => {
      const name = await services.registerFile(path);
      return services.sql(`SELECT * FROM "${name.replace(/"/g, '""')}"`);
    },
    tables: (): Promise<TableInfo[]> => services.listTables(),
    dataset: (folder?: string): Promise<HarmonisedSource> => services.dataset(folder),
    pivot: pivotHarmonised,
    pca: environmentalPca,
    omi(
      input: NicheInput | PcaResult,
      abundanceOrOptions?: DataTable | (OmiOptions & { nfPca?: number }),
      options?: OmiOptions
    ): OmiResult {
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
    workshop
  };
}

export type Neo = ReturnType<typeof createNeo>;

export interface Doc {
  signature: string;
  doc: string;
}

/** Documentation of `neo` and of the kernel's globals, by dotted name. */
export const NEO_DOCS: Record<string, Doc> = {
  neo: {
    signature: 'neo',
    doc:
      'The NEO toolbox: `neo.sql` and `neo.table` query the shared data and your files with DuckDB; ' +
      '`neo.pivot`, `neo.pca`, `neo.omi`, `neo.nicheParams`, `neo.rtest`, `neo.witomi`, `neo.responses` ' +
      'and the trend tests run the niche analyses (the numbers of R ade4); `neo.plot.*` draws Vega-Lite charts.'
  },
  'neo.engine': {
    signature: 'neo.engine: { kind: string; label: string }',
    doc:
      'Which engine answers `neo.sql` and `%%sql`: DuckDB-WASM in this browser, or native DuckDB on the server ' +
      "next to the data (the data services' `engine` setting chooses; under `auto`, a query that reads a dataset " +
      'meant for the server runs there, and the `%%sql` footer names the engine that answered).'
  },
  'neo.sql': {
    signature: 'neo.sql(query: string): Promise<Table>',
    doc:
      "Runs SQL on the session's DuckDB (the engine of the SQL workspace) and resolves with an Arrow table. " +
      'The harmonised shared data is the table `harmonised`; a file is queried by path: ' +
      "`FROM 'shared/x.parquet'`. A `%%sql` cell does the same and shows the table."
  },
  'neo.table': {
    signature: 'neo.table(path: string): Promise<Table>',
    doc:
      'Loads a .parquet, .arrow or .csv file of your files or of shared/ (path relative to the notebook, ' +
      'or to the root) and resolves with its rows as an Arrow table. In SQL, the file is the table "path".'
  },
  'neo.tables': {
    signature: 'neo.tables(): Promise<TableInfo[]>',
    doc: 'The tables and views of the engine, with their columns and DuckDB types.'
  },
  'neo.dataset': {
    signature:
      'neo.dataset(folder?: string): Promise<{ folder: string; source: string; catalog: Catalog }>',
    doc:
      "A harmonised dataset by the folder of its catalog.json (default: the session's shared data): its " +
      'catalogue (datasets with DOI and licence, stations, parameters) and `source`, what SQL reads of it: ' +
      '`harmonised` for the shared data, else the path of its Arrow file, e.g. ' +
      "`neo.dataset('my-data/harmonised')`."
  },
  'neo.workshop': {
    signature: 'neo.workshop',
    doc:
      "The NEO workshop templates' steps (@odatis-vre/workshop): `pairingQuery` and `pairSamples` (biology and " +
      'hydrology of different services and dates paired within a window, with a report), figures after the ade4 ' +
      'and subniche plots (`correlationCircle`, `nichePositions`, `permutationHistogram`, `subsetOrigins`, ' +
      '`subniches`, `trendLines`, `centroidLatitude`), `subnicheTests` (WitOMI tests), tables with CSV downloads ' +
      'and `citationTable`.'
  },
  'neo.pivot': {
    signature: 'neo.pivot(table: Table, options: PivotOptions): NicheInput',
    doc:
      'Pivots the harmonised long table into the samples × taxa (`abundance`) and samples × variables ' +
      '(`environment`) tables of a niche analysis. What is counted is explicit: `abundance: { parameter, ' +
      "unit }` (e.g. `{ parameter: 'cell_abundance', unit: 'cells/L' }`) is summed per taxon, `environment` " +
      "lists the variables (codes, or `{ parameter, unit }`, e.g. `['TEMP', 'PSAL']`). Other parameters are " +
      'never read; a parameter in several units without a chosen unit is an error that lists them. A sample ' +
      "is (site_id, time, depth), or its UTC date with `pairBy: 'day'`. Options: `taxa`, `acceptedQuality`, " +
      '`keepSamplesWithoutTaxa`. `units` gives the unit of each column, `dropped` counts what was left out.'
  },
  'neo.pca': {
    signature: 'neo.pca(environment: DataTable, options?: { nf?: number }): PcaResult',
    doc: 'ade4 `dudi.pca(scale = TRUE)` of the environment table: eigenvalues `eig`, scores `li`, `co`, `c1`.'
  },
  'neo.omi': {
    signature:
      'neo.omi(pivot: NicheInput, options?: { nf?: number }): OmiResult\nneo.omi(pca: PcaResult, abundance: DataTable, options?): OmiResult',
    doc:
      'ade4 `niche(pca, Y)`: the Outlying Mean Index analysis. Given a pivot, the PCA of its environment is ' +
      'computed first (all axes kept, as `dudi.pca(scannf = FALSE, nf = p)`). Species positions are `li`, ' +
      'variables `co`, eigenvalues `eig`. Draw it with `neo.plot.omi(result)`.'
  },
  'neo.nicheParams': {
    signature: 'neo.nicheParams(omi: OmiResult): NicheParameters',
    doc:
      'ade4 `niche.param`: per species, inertia, OMI (marginality), Tol and Rtol, with their shares of the ' +
      'inertia (unrounded; ade4 prints round(share, 3) × 100).'
  },
  'neo.rtest': {
    signature:
      'neo.rtest(omi: OmiResult, options?: { permutations?: number; seed?: number; generator?: "fast" | "R" }): OmiPermutationTest',
    doc:
      'ade4 `rtest.niche`: permutation test of each species\' OMI and of the mean OMI. `generator: "R"` ' +
      "reproduces R's set.seed stream exactly."
  },
  'neo.witomi': {
    signature:
      'neo.witomi(omi: OmiResult, factor: ArrayLike<string | number>, options?): WitOmiResult',
    doc: 'Within-OMI (subniche): the niche of each species in each subset of samples (site, period, season…).'
  },
  'neo.responses': {
    signature: 'neo.responses(input: NicheInput | OmiResult): SpeciesResponses',
    doc: 'Abundance-weighted mean (niche position) and SD (breadth) of each species along each raw variable.'
  },
  'neo.mannKendall': {
    signature:
      'neo.mannKendall(values: ArrayLike<number>, times?: ArrayLike<number>): MannKendallResult',
    doc: 'Mann–Kendall trend test (trend::mk.test): S, variance, tau, z and p-values.'
  },
  'neo.sensSlope': {
    signature:
      'neo.sensSlope(values: ArrayLike<number>, times?: ArrayLike<number>, confidence = 0.95): SensSlopeResult',
    doc: "Sen's slope with its confidence interval (trend::sens.slope)."
  },
  'neo.seasonalKendall': {
    signature:
      'neo.seasonalKendall(values: ArrayLike<number>, season: ArrayLike<string | number>, year: ArrayLike<number>): SeasonalKendallResult',
    doc: 'Hirsch–Slack seasonal Kendall test and the seasonal Sen slope.'
  },
  'neo.correctedSeasonalKendall': {
    signature:
      'neo.correctedSeasonalKendall(yearsBySeasons: DataTable): CorrectedSeasonalKendallResult',
    doc: 'Seasonal Kendall corrected for the covariance between seasons (trend::csmk.test).'
  },
  'neo.centroidTrend': {
    signature:
      'neo.centroidTrend(weights: ArrayLike<number>, values: ArrayLike<number>, period: ArrayLike<number>): CentroidTrend',
    doc: 'Abundance-weighted centroid per period, then Mann–Kendall and Sen on the centroids.'
  },
  'neo.centroidTrends': {
    signature:
      'neo.centroidTrends(abundance: DataTable, environment: DataTable, period: ArrayLike<number>): CentroidTrend[]',
    doc: '`neo.centroidTrend` for every species × variable of a pivot.'
  },
  'neo.periodOf': {
    signature: 'neo.periodOf(timeMs: number, windowYears = 1, originYear = 1970): number',
    doc: 'The year (or the first year of a window of years) of a time, for trend periods.'
  },
  'neo.records': {
    signature: 'neo.records(table: DataTable, idName = "id"): Record<string, number | string>[]',
    doc: 'Rows of a niche table as plain objects, e.g. for a Vega-Lite `data.values`.'
  },
  'neo.plot': {
    signature: 'neo.plot.{line, climatology, scatter, bar, omi}',
    doc: 'Vega-Lite charts, drawn by JupyterLab when they are the value of a cell or given to `display`.'
  },
  'neo.plot.line': {
    signature: 'neo.plot.line(table: Table, options?: { time?, y?, color?, title? }): VegaLiteSpec',
    doc: 'A value over time; colour by a column (site_id, parameter…). Columns are guessed when not given.'
  },
  'neo.plot.climatology': {
    signature: 'neo.plot.climatology(table: Table, options?: { time?, y? }): VegaLiteSpec',
    doc: 'Monthly mean by year of a value (a heat map month × year).'
  },
  'neo.plot.scatter': {
    signature: 'neo.plot.scatter(table: Table, options?: { x?, y?, color? }): VegaLiteSpec',
    doc: 'One numeric column against another.'
  },
  'neo.plot.bar': {
    signature: 'neo.plot.bar(table: Table, options?: { x?, y?, color? }): VegaLiteSpec',
    doc: 'Bars of a value by category; by default the first column is the category, the second the value.'
  },
  'neo.plot.omi': {
    signature: 'neo.plot.omi(omi: OmiResult): VegaLiteSpec',
    doc: 'Species niche positions on the first two OMI axes, with the environmental variables as arrows.'
  },
  display: {
    signature: 'display(value: unknown): void',
    doc:
      "Shows a value below the cell now, as the cell's result would be shown: Arrow tables as tables, " +
      'Vega-Lite specs as charts, a MIME bundle such as `{"text/html": "<b>hi</b>"}` as it is.'
  }
};
