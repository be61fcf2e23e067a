export * from './arrowmodel';
export * from './charts';
export * from './export';
