import { englishMessages, parseDataFileName, type Messages } from '@odatis-vre/harmonised';

/** A SQL table name for a file, from its file name: `SEANOE Hydro.csv.gz` → `seanoe_hydro`. */
export function tableNameForFile(path: string): string {
  const name = parseDataFileName(path)
    .stem.normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(name) ? name : `t_${name || 'file'}`;
}

/** A path for an exported result that does not exist yet among `taken`: `result.csv`, `result-2.csv`… */
export function freePath(
  dir: string,
  stem: string,
  extension: string,
  taken: ReadonlySet<string>
): string {
  const join = (name: string) => (dir ? `${dir}/${name}` : name);
  let candidate = join(`${stem}.${extension}`);
  for (let i = 2; taken.has(candidate); i++) {
    candidate = join(`${stem}-${i}.${extension}`);
  }
  return candidate;
}

/** Names Windows reserves (with any extension): a file so named could not be downloaded there. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;

/**
 * Why `path` cannot name an exported file, in a sentence, or null if it can. Names are kept portable:
 * what JupyterLite's storage, a Jupyter server and the user's own computer (after a download) accept.
 */
export function exportPathProblem(
  path: string,
  /** The language of the sentence: the extension's `translator.load('odatis_vre')`; default English. */
  trans: Messages = englishMessages
): string | null {
  if (path.trim() === '') {
    return trans.__('The file name is empty.');
  }
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    return trans.__('A file name cannot contain a line break, a tab or another control character.');
  }
  if (path.includes('%')) {
    return trans.__(
      'A file name cannot contain "%1": the browser storage reads it as the start of an URL escape.',
      '%'
    );
  }
  const segments = path.replace(/^\/+/, '').split('/');
  for (const segment of segments) {
    if (segment === '') {
      return trans.__(
        '"%1" has an empty folder name (two slashes in a row, or a slash at the end).',
        path
      );
    }
    if (segment === '.' || segment === '..') {
      return trans.__('"%1" uses "%2": give the folder by its name.', path, segment);
    }
    if (/[\\:*?"<>|]/.test(segment)) {
      return trans.__(
        '"%1" contains one of \\ : * ? " < > |, which file names cannot hold on Windows.',
        segment
      );
    }
    if (/[. ]$/.test(segment)) {
      return trans.__(
        '"%1" ends with a dot or a space, which Windows drops from file names.',
        segment
      );
    }
    if (WINDOWS_RESERVED.test(segment)) {
      return trans.__('"%1" is a name Windows reserves for a device: choose another one.', segment);
    }
    if (new TextEncoder().encode(segment).length > 255) {
      return trans.__(
        '"%1…" is longer than the 255 bytes a file name can have.',
        segment.slice(0, 40)
      );
    }
  }
  return null;
}

/** Where contents live, as far as choosing names needs it. */
export interface NamedContents {
  get(path: string, options?: { content?: boolean }): Promise<{ content: unknown }>;
  save(path: string, options?: object): Promise<unknown>;
}

/** A queue for browsers without the Web Locks API (and for node tests). */
let chain: Promise<unknown> = Promise.resolve();

/** Runs `task` alone: in every tab of this site (Web Locks), or at least in this page. */
async function exclusively<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks) {
    return locks.request(name, task);
  }
  const run = chain.then(task, task);
  chain = run.catch(() => undefined);
  return run;
}

interface LockManagerLike {
  request<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/**
 * A new path `dir/stem.ext` (or `stem-2.ext`…) for an export, claimed at once with an empty file: the
 * listing, the choice and the claim happen under one lock, so two exports started together (two
 * workspaces, a double click, two tabs) never choose the same name.
 */
export async function reserveFreePath(
  contents: NamedContents,
  dir: string,
  stem: string,
  extension: string
): Promise<string> {
  return exclusively('odatis-vre:export-names', async () => {
    const listing = await contents.get(dir, { content: true });
    const taken = new Set((listing.content as { path: string }[]).map(m => m.path));
    const path = freePath(dir, stem, extension, taken);
    await contents.save(path, { type: 'file', format: 'text', content: '' });
    return path;
  });
}
