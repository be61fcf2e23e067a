/** @odatis-vre/databrowser — the data browser's widgets and model (no plugin registration). */
export * from './model';
export * from './map';
export * from './panel';
export * from './datasetview';
export * from './format';
export * from './tokens';
export * from './dom';
