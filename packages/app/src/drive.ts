import { Contents } from '@jupyterlab/services';
import { BrowserStorageDrive } from '@jupyterlite/services';

/**
 * The browser-storage drive of the embedded VRE, with read-only mounts: folders shipped with
 * the site (e.g. `shared/`, the sample data) behave like a JupyterHub read-only volume.
 * Reading works as usual; any write into a mount is refused with a message saying why.
 */
export class MountedBrowserDrive extends BrowserStorageDrive {
  constructor(options: MountedBrowserDrive.IOptions) {
    super(options);
    this.readOnlyMounts = options.readOnlyMounts.map(m => m.replace(/^\/+|\/+$/g, ''));
  }

  /** Folders (relative to the root) whose contents cannot be changed. */
  readonly readOnlyMounts: readonly string[];

  /** The read-only mount holding `path`, or null. */
  mountOf(path: string): string | null {
    const clean = path.replace(/^\/+/, '');
    return this.readOnlyMounts.find(m => clean === m || clean.startsWith(`${m}/`)) ?? null;
  }

  async get(path: string, options?: Contents.IFetchOptions): Promise<Contents.IModel> {
    return this.withAccess(await super.get(path, options));
  }

  async newUntitled(options?: Contents.ICreateOptions): Promise<Contents.IModel> {
    this.refuse(options?.path ?? '', 'create a file in');
    return super.newUntitled(options);
  }

  async save(path: string, options?: Partial<Contents.IModel>): Promise<Contents.IModel> {
    this.refuse(path, 'save');
    return super.save(path, options);
  }

  async delete(path: string): Promise<void> {
    this.refuse(path, 'delete');
    return super.delete(path);
  }

  async rename(oldPath: string, newPath: string): Promise<Contents.IModel> {
    this.refuse(oldPath, 'move');
    this.refuse(newPath, 'move a file into');
    return super.rename(oldPath, newPath);
  }

  async copy(path: string, toDir: string): Promise<Contents.IModel> {
    this.refuse(toDir, 'copy into');
    return this.withAccess(await super.copy(path, toDir));
  }

  async createCheckpoint(path: string): Promise<Contents.ICheckpointModel> {
    this.refuse(path, 'checkpoint');
    return super.createCheckpoint(path);
  }

  /**
   * Everything inside a mount is read-only and everything outside is the user's: a copy of a
   * shared file must not inherit the read-only flag of its source.
   */
  private withAccess(model: Contents.IModel): Contents.IModel {
    const access = (m: Contents.IModel) => ({ ...m, writable: this.mountOf(m.path) === null });
    const content = Array.isArray(model.content)
      ? (model.content as Contents.IModel[]).map(access)
      : model.content;
    return { ...access(model), content };
  }

  private refuse(path: string, action: string): void {
    const mount = this.mountOf(path);
    if (mount) {
      throw new Error(
        `Cannot ${action} "${path}": "${mount}/" is read-only shared data. ` +
          'Copy the file to your own folder first (right-click → Copy, then Paste outside it).'
      );
    }
  }
}

export namespace MountedBrowserDrive {
  export interface IOptions extends BrowserStorageDrive.IOptions {
    readOnlyMounts: string[];
  }
}
