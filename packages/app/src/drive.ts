import { PathExt } from '@jupyterlab/coreutils';
import { Contents } from '@jupyterlab/services';
import { BrowserStorageDrive } from '@jupyterlite/services';
import { Signal } from '@lumino/signaling';
import { inertType } from './mimetypes';
import {
  ContentsPathError,
  encodeContentsPath,
  mountOf,
  normalizeContentsPath,
  outsideMounts,
  writablePath
} from './paths';

/**
 * A file saved in chunks keeps its bytes as a Blob in the stored model, under this key, with
 * `content: null`: a JavaScript string could not hold a file of several hundred megabytes, and
 * gluing base64 strings chunk after chunk (what JupyterLite's drive does) costs the square of the size.
 */
const BLOB = 'odatisBlob';

type StoredModel = Contents.IModel & { [BLOB]?: Blob };

/**
 * The largest Blob-backed file turned into a string when its content is asked for (an editor, a viewer,
 * the download button need one). Larger files are opened from their download URL (the SQL workspace does)
 * or downloaded.
 */
export const MAX_STRING_CONTENT_BYTES = 256 * 1024 * 1024;

/** A chunked save in progress: its parts, the chunk number expected next, the model it will have. */
interface Assembly {
  parts: Blob[];
  next: number;
  model: Contents.IModel;
}

/** How many checkpoints a file keeps (as JupyterLite's drive). */
const CHECKPOINTS_KEPT = 5;

/**
 * The browser-storage drive of the embedded VRE, with read-only mounts: folders shipped with
 * the site (e.g. `shared/`, the sample data) behave like a JupyterHub read-only volume.
 * Reading works as usual; any write into a mount is refused with a message saying why.
 *
 * Every path goes through `normalizeContentsPath` (./paths.ts) first, once: the read-only check and
 * the storage then see the same path. Saves with a `chunk` field (JupyterLab's uploader, the SQL
 * workspace's exports) are assembled here into one Blob, stored when the last chunk (-1) arrives.
 */
export class MountedBrowserDrive extends BrowserStorageDrive {
  constructor(options: MountedBrowserDrive.IOptions) {
    super(options);
    this.readOnlyMounts = options.readOnlyMounts.map(m => normalizeContentsPath(m));
    askOnlyForServerListings(this);
  }

  /** Folders (relative to the root) whose contents cannot be changed. */
  readonly readOnlyMounts: readonly string[];

  /** The read-only mount holding `path` (in any of its spellings), or null. */
  mountOf(path: string): string | null {
    return mountOf(normalizeContentsPath(path), this.readOnlyMounts);
  }

  async get(path: string, options?: Contents.IFetchOptions): Promise<Contents.IModel> {
    const target = this.checked(() => normalizeContentsPath(path), 'read');
    const stored = await this.storedBlobFile(target);
    if (stored) {
      return this.withAccess(await this.blobModel(stored, options));
    }
    return this.withAccess(await super.get(encodeContentsPath(target), options));
  }

  /**
   * The file's URL: the server's /files/ URL for the site's files (served sandboxed), a blob: URL for the
   * browser storage's, typed so that no document in it can run script (see inertType).
   */
  async getDownloadUrl(path: string): Promise<string> {
    const target = this.checked(() => normalizeContentsPath(path), 'download');
    const stored = await this.storedBlobFile(target);
    let blob: Blob;
    if (stored) {
      blob = stored[BLOB]!;
    } else {
      const url = await super.getDownloadUrl(encodeContentsPath(target));
      if (!url.startsWith('blob:')) {
        return url;
      }
      blob = await (await fetch(url)).blob();
      URL.revokeObjectURL(url);
    }
    const type = inertType(blob.type);
    return URL.createObjectURL(type === blob.type ? blob : new Blob([blob], { type }));
  }

  async newUntitled(options?: Contents.ICreateOptions): Promise<Contents.IModel> {
    const dir = this.checked(
      () => writablePath(options?.path ?? '', this.readOnlyMounts),
      'create a file in'
    );
    return this.withAccess(await super.newUntitled({ ...options, path: dir }));
  }

  async save(path: string, options: Partial<Contents.IModel> = {}): Promise<Contents.IModel> {
    const target = this.checked(() => writablePath(path, this.readOnlyMounts), 'save');
    if (options.chunk !== undefined) {
      return this.withAccess(await this.saveChunk(target, options));
    }
    this.assemblies.delete(target);
    return this.withAccess(await super.save(encodeContentsPath(target), options));
  }

  async delete(path: string): Promise<void> {
    const target = this.checked(() => outsideMounts(path, this.readOnlyMounts), 'delete');
    this.assemblies.delete(target);
    return super.delete(encodeContentsPath(target));
  }

  async rename(oldPath: string, newPath: string): Promise<Contents.IModel> {
    const from = this.checked(() => outsideMounts(oldPath, this.readOnlyMounts), 'move');
    const to = this.checked(() => writablePath(newPath, this.readOnlyMounts), 'move a file to');
    if (from === to) {
      return this.get(from);
    }
    if (await this.exists(to)) {
      throw new Error(
        `Cannot move "${from}" to "${to}": a file or folder of that name exists already.`
      );
    }
    const stored = await this.storedBlobFile(from);
    if (stored) {
      return this.withAccess(await this.moveBlobFile(stored, to));
    }
    // The storage decodes the old path (and folders' children through this method again), not the new one.
    return this.withAccess(await super.rename(encodeContentsPath(from), to));
  }

  async copy(path: string, toDir: string): Promise<Contents.IModel> {
    const from = this.checked(() => normalizeContentsPath(path), 'copy');
    const dir = this.checked(() => writablePath(toDir, this.readOnlyMounts), 'copy into');
    const stored = await this.storedBlobFile(from);
    if (stored) {
      return this.withAccess(await this.copyBlobFile(stored, dir));
    }
    return this.withAccess(await super.copy(from, dir));
  }

  async createCheckpoint(path: string): Promise<Contents.ICheckpointModel> {
    const target = this.checked(() => outsideMounts(path, this.readOnlyMounts), 'checkpoint');
    const stored = await this.storedBlobFile(target);
    if (!stored) {
      return super.createCheckpoint(encodeContentsPath(target));
    }
    // The stored model with its Blob, not a string copy (JupyterLite's way) the size of the file.
    const checkpoints = await this.checkpoints;
    const copies = ((await checkpoints.getItem<StoredModel[]>(target)) ?? []).filter(Boolean);
    copies.push(stored);
    copies.splice(0, Math.max(0, copies.length - CHECKPOINTS_KEPT));
    await checkpoints.setItem(target, copies);
    return { id: `${copies.length - 1}`, last_modified: stored.last_modified };
  }

  async listCheckpoints(path: string): Promise<Contents.ICheckpointModel[]> {
    return super.listCheckpoints(this.checked(() => normalizeContentsPath(path), 'read'));
  }

  async restoreCheckpoint(path: string, checkpointID: string): Promise<void> {
    const target = this.checked(
      () => outsideMounts(path, this.readOnlyMounts),
      'restore a checkpoint of'
    );
    return super.restoreCheckpoint(encodeContentsPath(target), checkpointID);
  }

  async deleteCheckpoint(path: string, checkpointID: string): Promise<void> {
    const target = this.checked(
      () => outsideMounts(path, this.readOnlyMounts),
      'delete a checkpoint of'
    );
    return super.deleteCheckpoint(encodeContentsPath(target), checkpointID);
  }

  /**
   * One chunk of a chunked save (JupyterLab's protocol: base64 content, chunks numbered 1, 2, … and -1 for
   * the last). Parts are kept in memory until the last chunk; only then is the file stored, in one piece.
   */
  private async saveChunk(
    target: string,
    options: Partial<Contents.IModel>
  ): Promise<Contents.IModel> {
    const chunk = options.chunk as number;
    if (options.format !== 'base64' || typeof options.content !== 'string') {
      throw new Error(
        `Cannot save chunk ${chunk} of "${target}": chunks carry base64 content (format was ${options.format}).`
      );
    }
    let assembly = this.assemblies.get(target);
    if (chunk === 1 || (chunk === -1 && !assembly)) {
      await this.requireFolder(PathExt.dirname(target), target);
      const existing = await this.get(target, { content: false }).catch(() => null);
      const name = PathExt.basename(target);
      const now = new Date().toISOString();
      assembly = {
        parts: [],
        next: 2,
        model: {
          name,
          path: target,
          type: PathExt.extname(name).toLowerCase() === '.ipynb' ? 'notebook' : 'file',
          format: 'base64',
          mimetype: existing?.mimetype || mimetypeOf(name),
          created: existing?.created ?? now,
          last_modified: now,
          writable: true,
          size: 0,
          content: null
        }
      };
      this.assemblies.set(target, assembly);
    } else if (!assembly || (chunk !== -1 && chunk !== assembly.next)) {
      this.assemblies.delete(target);
      throw new Error(
        `Cannot save chunk ${chunk} of "${target}": chunk ${assembly?.next ?? 1} was expected.`
      );
    } else if (chunk !== -1) {
      assembly.next++;
    }
    const bytes = base64ToBytes(options.content);
    assembly.parts.push(new Blob([bytes as BlobPart]));
    const model: Contents.IModel = {
      ...assembly.model,
      size: (assembly.model.size ?? 0) + bytes.length,
      last_modified: new Date().toISOString()
    };
    assembly.model = model;
    if (chunk !== -1) {
      return model;
    }
    this.assemblies.delete(target);
    const stored: StoredModel = {
      ...model,
      [BLOB]: new Blob(assembly.parts, { type: model.mimetype })
    };
    await (await this.storage).setItem(target, stored);
    this.emitChanged({ type: 'save', oldValue: null, newValue: model });
    return model;
  }

  /** The model of a Blob-backed file, its content turned into a string if asked and not too large. */
  private async blobModel(
    stored: StoredModel,
    options?: Contents.IFetchOptions
  ): Promise<Contents.IModel> {
    const blob = stored[BLOB]!;
    const model = withoutBlob(stored);
    const format = options?.format ?? (stored.type === 'notebook' ? 'json' : 'base64');
    if (!options?.content) {
      return { ...model, size: blob.size, format, content: null };
    }
    if (blob.size > MAX_STRING_CONTENT_BYTES) {
      throw new Error(
        `"${stored.path}" is ${megabytes(blob.size)}: too large to open here ` +
          `(at most ${megabytes(MAX_STRING_CONTENT_BYTES)}). Open it in a SQL workspace or download it.`
      );
    }
    let content: unknown;
    if (format === 'base64') {
      content = await blobToBase64(blob);
    } else {
      const text = await blob.text();
      content = format === 'json' ? JSON.parse(text) : text;
    }
    return { ...model, size: blob.size, format, content } as Contents.IModel;
  }

  private async moveBlobFile(stored: StoredModel, to: string): Promise<Contents.IModel> {
    await this.requireFolder(PathExt.dirname(to), to);
    const moved = {
      ...stored,
      name: PathExt.basename(to),
      path: to,
      last_modified: new Date().toISOString()
    };
    const storage = await this.storage;
    await storage.setItem(to, moved);
    await storage.removeItem(stored.path);
    const model = withoutBlob(moved);
    this.emitChanged({ type: 'rename', oldValue: { path: stored.path }, newValue: model });
    return model;
  }

  private async copyBlobFile(stored: StoredModel, dir: string): Promise<Contents.IModel> {
    await this.requireFolder(dir, stored.path);
    const extension = PathExt.extname(stored.name);
    let name = stored.name;
    while (await this.exists(dir ? `${dir}/${name}` : name)) {
      name = `${name.slice(0, name.length - extension.length)} (copy)${extension}`;
    }
    const path = dir ? `${dir}/${name}` : name;
    const now = new Date().toISOString();
    const copy = { ...stored, name, path, created: now, last_modified: now };
    await (await this.storage).setItem(path, copy);
    const model = withoutBlob(copy);
    this.emitChanged({ type: 'new', oldValue: null, newValue: model });
    return model;
  }

  private async storedBlobFile(path: string): Promise<StoredModel | null> {
    if (!path) return null;
    const stored = await (await this.storage).getItem<StoredModel>(path);
    return stored?.[BLOB] instanceof Blob ? stored : null;
  }

  private async exists(path: string): Promise<boolean> {
    return this.get(path, { content: false }).then(
      () => true,
      () => false
    );
  }

  /** Fails unless `dir` is a folder (the root always is), saying what needed it. */
  private async requireFolder(dir: string, forPath: string): Promise<void> {
    if (!dir) return;
    const folder = await this.get(dir, { content: false }).catch(() => null);
    if (folder?.type !== 'directory') {
      throw new Error(`Cannot write "${forPath}": the folder "${dir}" does not exist.`);
    }
  }

  private emitChanged(change: Contents.IChangedArgs): void {
    (this.fileChanged as Signal<Contents.IDrive, Contents.IChangedArgs>).emit(change);
  }

  /**
   * Everything inside a mount is read-only and everything outside is the user's: a copy of a
   * shared file must not inherit the read-only flag of its source. Stored Blobs stay inside.
   */
  private withAccess(model: Contents.IModel): Contents.IModel {
    const access = (m: StoredModel) => ({
      ...withoutBlob(m),
      ...(m[BLOB] instanceof Blob ? { size: m[BLOB].size } : {}),
      writable: mountOf(m.path, this.readOnlyMounts) === null
    });
    const content = Array.isArray(model.content)
      ? (model.content as StoredModel[]).map(access)
      : model.content;
    return { ...access(model), content };
  }

  /** The result of a path check, its ContentsPathError told as "Cannot <action> …". */
  private checked(check: () => string, action: string): string {
    try {
      return check();
    } catch (error) {
      if (error instanceof ContentsPathError) {
        throw new Error(`Cannot ${action} ${error.message}`);
      }
      throw error;
    }
  }

  private readonly assemblies = new Map<string, Assembly>();
}

/** The part of JupyterLite's drive (private there) that fetches a folder's listing from the site. */
interface ServerListings {
  _getServerDirectory(path: string): Promise<Map<string, Contents.IModel>>;
}

/**
 * JupyterLite's drive shows the site's files (the listings `api/contents/<folder>/all.json`) under those of
 * the browser storage, and asks the site for the listing of every folder it meets, the user's own folders
 * too: "Add to my data" makes tens of them (one per dataset, site and year), each a request answered 404,
 * a red line in the console. The site writes a listing for every folder it serves (scripts/site.js), so a
 * folder has one only if it is the root or its parent's listing names it as a folder: only those are asked
 * for (each once; JupyterLite keeps them).
 */
function askOnlyForServerListings(drive: BrowserStorageDrive): void {
  const listings = drive as unknown as Partial<ServerListings>;
  // Another JupyterLite may fetch listings otherwise: then it is left as it is (databrowser.spec sees the 404s).
  if (typeof listings._getServerDirectory !== 'function') return;
  const fetchListing = listings._getServerDirectory.bind(drive);
  const listing = async (path: string): Promise<Map<string, Contents.IModel>> => {
    const folder = PathExt.join(path);
    if (folder === '') return fetchListing(folder);
    const parent = await listing(PathExt.dirname(folder));
    return parent.get(PathExt.basename(folder))?.type === 'directory'
      ? fetchListing(folder)
      : new Map();
  };
  listings._getServerDirectory = listing;
}

export namespace MountedBrowserDrive {
  export interface IOptions extends BrowserStorageDrive.IOptions {
    readOnlyMounts: string[];
  }
}

const MIME: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.parquet': 'application/vnd.apache.parquet',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.txt': 'text/plain',
  '.md': 'text/markdown'
};

function mimetypeOf(name: string): string {
  return MIME[PathExt.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** The model as the rest of JupyterLab sees it: without the stored Blob. */
function withoutBlob(stored: StoredModel): Contents.IModel {
  const model = { ...stored };
  delete model[BLOB];
  return model;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024)).toLocaleString('en')} MB`;
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Base64 of a Blob, a slice at a time (the browser encodes each slice, off the main thread). */
async function blobToBase64(blob: Blob): Promise<string> {
  const slice = 3 * 1024 * 1024; // a multiple of 3: the slices' base64 join without padding in between
  const pieces: string[] = [];
  for (let start = 0; start < blob.size; start += slice) {
    const url = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob.slice(start, start + slice));
    });
    pieces.push(url.slice(url.indexOf(',') + 1));
  }
  return pieces.join('');
}
