/**
 * @odatis-vre/workshop — the NEO workshop's analysis steps for notebooks: the pairing of biology and
 * environment from different services and dates, the templates and their parameters cell, Vega-Lite figures
 * after the ade4 and subniche reference plots, tables with CSV downloads, and the citations of the data used.
 * Pure TypeScript, no DOM: it runs in node and in the NEO kernel's Web Worker (as `neo.workshop`).
 */
export { WorkshopError } from './errors';
export type { WorkshopErrorCode } from './errors';
export {
  pairSamples,
  nearestWithin,
  isoDate,
  PAIRING_COLUMNS,
  DEFAULT_ACCEPTED_QUALITY,
  DEFAULT_WINDOW_DAYS,
  DAY_MS
} from './pairing';
export type {
  Pairing,
  PairingOptions,
  PairingReport,
  PairedSamples,
  Quantity,
  DepthLayer,
  DroppedSample,
  RowCounts,
  LagSummary,
  SiteSummary
} from './pairing';
export { pairingQuery, sourceClause } from './query';
export type { PairingQueryOptions } from './query';
export { sampleFactor, seasonOf, SEASONS } from './groups';
export type { Grouping, SampleFactor } from './groups';
export { subnicheTests, reforTest } from './subniche-tests';
export type { SubnicheTest, SubnicheTests, SubnicheTestOptions } from './subniche-tests';
export {
  correlationCircle,
  nichePositions,
  eigenvalues,
  permutationHistogram,
  subsetOrigins,
  subniches,
  trendLines,
  centroidLatitude,
  convexHull,
  formatNumber
} from './figures';
export type { VegaLiteSpec, TrendLine, LatitudePoint, NichePositionOptions } from './figures';
export { tableOutput, toCsv, csvDataUrl, escapeHtml, htmlOutput } from './tables';
export type { MimeBundle, Row, TableOptions } from './tables';
export {
  pairingReport,
  pairingSummary,
  stationTable,
  lagTable,
  droppedTable,
  rareTaxaTable
} from './report';
export {
  citationsOf,
  citationTable,
  dataStatement,
  usedDatasets,
  SYNTHETIC_SNO
} from './citations';
export type { Citation, HarmonisedSource } from './citations';
export {
  transformAbundance,
  significantTaxa,
  occurrences,
  nicheParameterRows,
  nicheParameterTable,
  subnicheRows,
  subnicheTable,
  subsetTable,
  nicheCentroidTable,
  subnicheCentroidTable,
  selectRows,
  trendOf,
  environmentTrends,
  seasonalTrendRows,
  seasonalKendallOfMeans,
  centroidTrends,
  trendTable,
  stationCentroids,
  latitudinalGradients,
  factorCounts
} from './analysis';
export type { AbundanceTransform, StationCentroid } from './analysis';
export {
  TEMPLATES,
  PARAMETER_DOCS,
  SHARED_HARMONISED,
  SYNTHETIC_HARMONISED,
  templateById
} from './templates';
export type { TemplateSpec, TemplateValues, ParameterName } from './templates';
export {
  renderParameters,
  parseParameters,
  fillParameters,
  readParameters,
  parametersCellIndex,
  cellText,
  PARAMETERS_TAG
} from './notebook';
export type { NotebookCell, NotebookContent } from './notebook';
