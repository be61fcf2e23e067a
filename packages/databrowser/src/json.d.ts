// Natural Earth land as TopoJSON (world-atlas): loaded as data, not type-checked.
declare module 'world-atlas/*.json' {
  const topology: unknown;
  export default topology;
}
