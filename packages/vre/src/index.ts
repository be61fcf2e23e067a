export * from './about';
export * from './datasources';
