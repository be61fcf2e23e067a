/**
 * @odatis-vre/catalog — one search interface over the ODATIS catalogues (shared data, Sextant,
 * SEANOE, ERDDAP), citations and licence obligations. No DOM: runs under node and in browsers.
 */
export * from './types';
export * from './transport';
export * from './local';
export * from './licence';
export * from './citation';
export * from './shared';
export * from './sextant';
export * from './seanoe';
export * from './erddap';
export * from './search';
export * from './snippets';
export * from './sources';
export * from './preview';
export * from './mydata';
