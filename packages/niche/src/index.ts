/**
 * @odatis-vre/niche — OMI niche analysis equal to R ade4 (`dudi.pca`, `niche`, `niche.param`, `rtest.niche`),
 * WitOMI (subniche), species response summaries and trend tests. Pure TypeScript, no DOM: runs in node and
 * in a Web Worker.
 */
export { NicheInputError } from './errors';
export type { InputErrorPlace, NicheInputErrorCode } from './errors';
export { tableFromColumns, tableFromRows, makeTable, cell, column, tableToRecords } from './table';
export type { DataTable } from './table';
export { environmentalPca } from './pca';
export type { PcaOptions, PcaResult } from './pca';
export { asDudi, symmetricEigen, RANK_TOLERANCE } from './dudi';
export type { Dudi } from './dudi';
export { speciesProfiles } from './profiles';
export type { SpeciesProfiles } from './profiles';
export { omiAnalysis } from './omi';
export type { OmiOptions, OmiResult } from './omi';
export { nicheParameters } from './parameters';
export type { NicheParameters } from './parameters';
export { omiPermutationTest, krandtest } from './permutation';
export type { Alternative, OmiPermutationTest, PermutationTestOptions } from './permutation';
export { witomi, codeFactor } from './witomi';
export type { WitOmiOptions, WitOmiParameters, WitOmiResult } from './witomi';
export { speciesResponses, omiSpeciesResponses } from './response';
export type { SpeciesResponses } from './response';
export {
  mannKendall,
  sensSlope,
  seasonalKendall,
  correctedSeasonalKendall,
  centroidTrend,
  nicheCentroidTrends,
  periodOf,
  median,
  roundHalfEven,
  averageRanks,
  spearman
} from './trend';
export type {
  MannKendallResult,
  SensSlopeResult,
  SeasonalKendallResult,
  CorrectedSeasonalKendallResult,
  CentroidTrend
} from './trend';
export { pivotHarmonised, PIVOT_COLUMNS } from './pivot';
export type { NicheInput, PivotOptions, PivotQuantity } from './pivot';
export { simulateGaussianCommunity } from './simulate';
export type { GaussianCommunity, GaussianCommunityOptions } from './simulate';
export { SeededRandom } from './random';
export { RRandom } from './r-random';
export { rMean } from './r-mean';
