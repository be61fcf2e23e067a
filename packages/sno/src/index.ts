/**
 * @odatis-vre/sno — browser-safe entry (no fs): the Arrow schema, readers, writers, catalogue and the
 * synthetic ground-truth generator. The contract itself (column names, layout, catalogue types) is
 * `@odatis-vre/harmonised`. Node file I/O lives in ./node; writers of native layouts for tests in ./testing.
 */
export * from './schema';
export * from './vocabulary';
export * from './sites';
export * from './errors';
export * from './report';
export * from './detect';
export * from './catalog';
export * from './writers';
export type { NativeFile, ExpectedValue } from './native';
export * from './synth';
export {
  readPelagosWideExport,
  PHYTOBS_SOURCE,
  PELAGOS_METADATA_COLUMNS,
  PELAGOS_CYTOMETRY_METADATA_COLUMNS
} from './readers/pelagos';
export { readQuadrigeExport, foldQuadrigeHeader } from './readers/quadrige';
export {
  readSomlitExport,
  SOMLIT_MISSING,
  SOMLIT_CYTOMETRY_GROUPS,
  SOMLIT_META_COLUMNS
} from './readers/somlit';
export { readCoastHfCsv } from './readers/coasthf';
export { readErddapCsv, readErddapParquet, erddapHeader } from './readers/erddap';
export { readMappedCsv, parseCsvMapping, checkCsvMapping, type CsvMapping } from './readers/mapped';
export type { TimeFormat } from './readers/table';
export { describeBinary, describeText, isParquet } from './content';
export {
  decodeBytes,
  parseNumber,
  outOfFloat64,
  parseDate,
  repairMojibake,
  LineGuard,
  MAX_LINE_BYTES,
  FAST_GUNZIP_LIMIT,
  useFastGunzip,
  type FastGunzip,
  type TextEncoding
} from './text';
export { assembleHarmonised, type AssembleOptions, type ReadSource } from './assemble';
