/** Paths of the contents service: relative to the file browser root, `/`-separated, no leading slash. */

/** Join path segments, dropping empty ones and resolving `.` and `..`. */
export function joinPath(...parts: string[]): string {
  const out: string[] = [];
  for (const segment of parts.join('/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

/** The folder of a path (`''` for a file at the root). */
export function dirName(path: string): string {
  const clean = joinPath(path);
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? '' : clean.slice(0, slash);
}
