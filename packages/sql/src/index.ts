export * from './arrowmodel';
export * from './charts';
export * from './export';
export * from './history';
export * from './names';
export * from './workspace';
