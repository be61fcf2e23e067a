/**
 * FNV-1a (32 bits) of a settings schema's JSON text: whether the schema the page validates is the one whose
 * default settings were composed at build time. `schemaHash` in packages/app/scripts/host.js is the same
 * function for the build (a CommonJS script cannot import this ES module); test/schemahash.test.ts checks
 * that the two agree.
 */
export function schemaHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
