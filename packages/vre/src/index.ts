export * from './about';
export * from './datasources';
export * from './deployment';
