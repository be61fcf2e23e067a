/**
 * @odatis-vre/sno/testing — for tests only, not the public API: writers of native layouts exactly as the
 * producers lay them out (see shared/data/README.md), and seeded fixtures of the formats with no real file
 * at hand. Each returns the bytes and the values written, so a reader can be checked against them.
 */
export * from './native';
export * from './fixtures';
export * from './table-fixtures';
