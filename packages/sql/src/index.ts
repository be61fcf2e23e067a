export * from './arrowmodel';
export * from './charts';
export * from './export';
export * from './files';
export * from './history';
export * from './names';
export * from './save';
export * from './workspace';
