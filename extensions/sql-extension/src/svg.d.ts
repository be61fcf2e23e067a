declare module '*.svg' {
  const svgstr: string;
  export default svgstr;
}

// The bundler resolves `require` (used for ../package.json, outside rootDir).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const require: (id: string) => any;
