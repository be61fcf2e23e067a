/**
 * @odatis-vre/services: the data services of a VRE session (query engine, harmonised dataset, files by
 * path) as JupyterLab tokens, and the logic behind them. No DOM: testable under node.
 */
export * from './tokens';
export * from './harmonised';
export * from './files';
export * from './paths';
export * from './engine-choice';
export * from './dataset-engine';
export * from './query-route';
