/**
 * @odatis-vre/templates — the NEO workshop templates as the launcher offers them: a copy of a template notebook
 * with its parameters cell written, under a name free in the user's folder (a copy never overwrites a file).
 * No DOM: the launcher command of the vre-extension reads and writes through the contents service.
 */
// The two modules the launcher needs, not the whole workshop (its figures and statistics run in the kernel).
export {
  PARAMETER_DOCS,
  SHARED_HARMONISED,
  SYNTHETIC_HARMONISED,
  TEMPLATES,
  templateById
} from '@odatis-vre/workshop/lib/templates';
export type {
  ParameterName,
  TemplateSpec,
  TemplateValues
} from '@odatis-vre/workshop/lib/templates';
export { fillParameters, readParameters } from '@odatis-vre/workshop/lib/notebook';
export type { NotebookContent } from '@odatis-vre/workshop/lib/notebook';

/** The folder of the template notebooks, under the examples folder of the VRE. */
export const TEMPLATES_FOLDER = 'templates';

/**
 * The first of `name.ipynb`, `name-2.ipynb`, `name-3.ipynb`, … that is not taken in the folder; `taken` holds the
 * names of the folder's entries.
 */
export function freeName(file: string, taken: ReadonlySet<string>): string {
  const dot = file.lastIndexOf('.');
  const stem = dot > 0 ? file.slice(0, dot) : file;
  const ext = dot > 0 ? file.slice(dot) : '';
  if (!taken.has(file)) return file;
  for (let k = 2; ; k++) {
    const candidate = `${stem}-${k}${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
export * from './launch';
