/**
 * @odatis-vre/sno — browser-safe entry (no fs): schema, readers, writers, catalogue, native-layout
 * fixture writers and the synthetic ground-truth generator. Node file I/O lives in ./node.
 */
export * from './schema';
export * from './vocabulary';
export * from './errors';
export * from './report';
export * from './detect';
export * from './catalog';
export * from './writers';
export * from './native';
export * from './synth';
export { readPelagosWideExport, PHYTOBS_SOURCE } from './readers/pelagos';
export { readQuadrigeExport, foldQuadrigeHeader } from './readers/quadrige';
export {
  readSomlitExport,
  SOMLIT_MISSING,
  SOMLIT_CYTOMETRY_GROUPS,
  SOMLIT_META_COLUMNS
} from './readers/somlit';
export { readCoastHfCsv } from './readers/coasthf';
export { decodeBytes, parseNumber, parseDate, repairMojibake } from './text';
export * from './fixtures';
export * from './assemble';
