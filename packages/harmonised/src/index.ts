/**
 * @odatis-vre/harmonised — the harmonised dataset's contract, defined once: its columns (names, kinds,
 * documentation), its storage layout (hive partitions sno=/site=/year=, catalogue and report files), the
 * catalogue's types, the guess of a data file's format from its name, and the English default of the libraries'
 * translatable messages. Browser-safe, no dependencies.
 */
export * from './columns';
export * from './layout';
export * from './messages';
export * from './catalog';
export * from './formats';
export * from './relation';
