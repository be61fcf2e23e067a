/**
 * The one reading of a contents path in the embedded VRE's drive. Every drive method passes its paths
 * through `normalizeContentsPath` before anything else (the read-only check, the storage), so the
 * check sees exactly the path the storage will use.
 *
 * - Percent-escapes are decoded once, as JupyterLite's storage does (JupyterLite's own URL resolver
 *   hands it URL-encoded paths): `%73hared/README.md` is `shared/README.md`.
 * - Empty and `.` segments go, `..` goes up: `/shared//./x/../README.md` is `shared/README.md`; going
 *   above the root is an error.
 * - Case: stored names keep their exact spelling (the browser storage, like the server's disk, tells
 *   `Shared` from `shared`), but a read-only mount is matched in any case and Unicode compatibility
 *   form: `SHARED/`, `Shared/` and `ｓhared/` are all refused, so no look-alike of a mount can be made.
 * - A name that is written (saved, created, moved or copied to) may not contain `%` (the storage would
 *   read it as an escape, so the file could not be read back under its name) nor a control character.
 */

/** A path the drive cannot use, with the reason in words. */
export class ContentsPathError extends Error {
  constructor(
    /** The path as it was given. */
    readonly path: string,
    readonly reason: string,
    /** What it normalises to, when that helps to understand the reason. */
    readonly normalised?: string
  ) {
    const shown =
      normalised !== undefined && normalised !== path
        ? `"${printable(path)}" (that is "${normalised}")`
        : `"${printable(path)}"`;
    super(`${shown}: ${reason}`);
    this.name = 'ContentsPathError';
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function printable(path: string): string {
  return path.replace(
    /[\u0000-\u001f\u007f]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

/** The canonical form of a contents path (see the module comment); throws ContentsPathError. */
export function normalizeContentsPath(path: string): string {
  if (typeof path !== 'string') {
    throw new ContentsPathError(String(path), 'a path is a string.');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new ContentsPathError(
      path,
      'a "%" must start a two-digit hexadecimal escape (the storage reads paths as URL-encoded).'
    );
  }
  if (CONTROL.test(decoded)) {
    throw new ContentsPathError(
      path,
      'a path cannot contain a control character (a newline, a tab…).'
    );
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) {
        throw new ContentsPathError(path, 'it goes above the root folder.');
      }
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
}

/** The path written so that JupyterLite's storage, which decodes once, reads back `path` exactly. */
export function encodeContentsPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** How mounts are compared: case and Unicode compatibility forms folded. */
function fold(path: string): string {
  return path.normalize('NFKC').toLowerCase();
}

/** The mount (as spelled in `mounts`) holding the normalised `path`, or null. */
export function mountOf(path: string, mounts: readonly string[]): string | null {
  const folded = fold(path);
  return (
    mounts.find(m => {
      const mount = fold(m);
      return folded === mount || folded.startsWith(`${mount}/`);
    }) ?? null
  );
}

/** The normalised `raw`, or a ContentsPathError if it lies in a read-only mount. */
export function outsideMounts(raw: string, mounts: readonly string[]): string {
  const path = normalizeContentsPath(raw);
  const mount = mountOf(path, mounts);
  if (mount !== null) {
    throw new ContentsPathError(
      raw,
      `"${mount}/" is read-only shared data. ` +
        'Copy the file to your own folder first (right-click → Copy, then Paste outside it).',
      path
    );
  }
  return path;
}

/**
 * The normalised path for writing `raw`, or a ContentsPathError: in a read-only mount (in whatever
 * spelling), not a path, or a name with `%` (the storage would read it as an escape, so the
 * file could not be read back under its name).
 */
export function writablePath(raw: string, mounts: readonly string[]): string {
  let path: string;
  try {
    path = outsideMounts(raw, mounts);
  } catch (error) {
    // A lone "%" is better explained by the rule on names than by the rule on escapes.
    if (!(error instanceof ContentsPathError && raw.includes('%') && !error.normalised)) {
      throw error;
    }
    path = '';
  }
  if (raw.includes('%')) {
    throw new ContentsPathError(
      raw,
      'a file name here cannot contain "%" (the storage reads it as an URL escape). Choose a name without it.'
    );
  }
  return path;
}
