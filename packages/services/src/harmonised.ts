/**
 * The harmonised dataset of the session: reads its catalogue through the contents service, attaches its
 * database file (or, without one, its Parquet partitions) to the query engine, and tells everyone how that
 * went (status and signal).
 */
import { Signal } from '@lumino/signaling';
import type { AttachedDataset, QueryEngine } from '@odatis-vre/query';
import {
  CATALOG_FILE,
  englishMessages,
  HARMONISED_VIEW,
  harmonisedLocations,
  type Catalog,
  type Messages
} from '@odatis-vre/harmonised';
import type { HarmonisedStatus, IHarmonisedDataset } from './tokens';
import { joinPath } from './paths';

export interface HarmonisedDatasetOptions {
  engine: QueryEngine;
  /** Folder of the dataset, relative to the file browser root. */
  path: string;
  /** Relation name in the engine. Default `harmonised`. */
  name?: string;
  /** The text of a file, by path from the root (the contents service in JupyterLab). */
  readText(path: string): Promise<string>;
  /**
   * Where the engine reads a file or folder from: an http(s) URL in the browser (files are read with Range
   * requests), a local path in node.
   */
  locate(path: string): string;
  /** The language of its messages: the extension's `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

export class HarmonisedDataset implements IHarmonisedDataset {
  readonly path: string;
  readonly name: string;

  constructor(private readonly options: HarmonisedDatasetOptions) {
    this.path = options.path.replace(/^\/+|\/+$/g, '');
    this.name = options.name ?? HARMONISED_VIEW;
    this.trans = options.trans ?? englishMessages;
  }

  get status(): HarmonisedStatus {
    return this._status;
  }

  get statusChanged(): Signal<this, HarmonisedStatus> {
    return this._statusChanged;
  }

  get catalog(): Catalog | null {
    return this._catalog;
  }

  attach(): Promise<AttachedDataset> {
    if (this._status.state === 'attached') {
      return Promise.resolve(this._status.attached);
    }
    this.attempt ??= this.attachOnce().finally(() => {
      this.attempt = null;
    });
    return this.attempt;
  }

  readCatalog(): Promise<Catalog> {
    this.catalogRead ??= (async () => {
      const catalogPath = joinPath(this.path, CATALOG_FILE);
      let text: string;
      try {
        text = await this.options.readText(catalogPath);
      } catch (reason) {
        throw new Error(
          this.trans.__(
            '%1 could not be read (%2). Check the "Harmonised dataset folder" setting of the ODATIS VRE data services.',
            catalogPath,
            messageOf(reason)
          )
        );
      }
      return parseCatalog(text, catalogPath);
    })();
    this.catalogRead.catch(() => (this.catalogRead = null));
    return this.catalogRead;
  }

  private async attachOnce(): Promise<AttachedDataset> {
    this.setStatus({ state: 'attaching' });
    const catalogPath = joinPath(this.path, CATALOG_FILE);
    try {
      const catalog = await this.readCatalog();
      // The database file when the converter wrote one (read in place, by range requests in the browser),
      // else the Parquet partitions.
      const locations = harmonisedLocations(catalog, this.options.locate(this.path));
      let attached: AttachedDataset;
      try {
        attached = await this.options.engine.attachHarmonised({ ...locations, name: this.name });
      } catch (reason) {
        throw new Error(
          locations.database
            ? this.trans.__(
                'the query engine could not load the database file %1 listed in %2: %3',
                joinPath(this.path, catalog.databaseFile!),
                catalogPath,
                messageOf(reason)
              )
            : this.trans.__(
                'the query engine could not load the Parquet files listed in %1: %2',
                catalogPath,
                messageOf(reason)
              )
        );
      }
      this._catalog = catalog;
      this.setStatus({ state: 'attached', attached, catalog });
      return attached;
    } catch (reason) {
      const message = this.trans.__(
        'The harmonised dataset (%1) is not available: %2',
        this.path,
        messageOf(reason)
      );
      this.setStatus({ state: 'failed', message });
      throw new Error(message);
    }
  }

  private setStatus(status: HarmonisedStatus): void {
    this._status = status;
    this._statusChanged.emit(status);
  }

  private readonly trans: Messages;
  private _status: HarmonisedStatus = { state: 'idle' };
  private readonly _statusChanged = new Signal<this, HarmonisedStatus>(this);
  private _catalog: Catalog | null = null;
  private attempt: Promise<AttachedDataset> | null = null;
  private catalogRead: Promise<Catalog> | null = null;
}

/** The catalogue, checked for what the attach needs; the error names the file and what is wrong. */
export function parseCatalog(text: string, file: string): Catalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (reason) {
    throw new Error(`${file} is not JSON (${messageOf(reason)})`);
  }
  const files = (value as Partial<Catalog>)?.parquetFiles;
  if (!Array.isArray(files)) {
    throw new Error(`${file}: expected a "parquetFiles" list, found ${typeof files}`);
  }
  // A dataset kept only as a database file (a benchmark's 100 M rows) lists no partition.
  if (files.length === 0 && !(value as Partial<Catalog>).databaseFile) {
    throw new Error(
      `${file} lists no Parquet file ("parquetFiles" is empty) and no database file ("databaseFile")`
    );
  }
  const bad = files.findIndex(f => typeof f?.path !== 'string');
  if (bad >= 0) {
    throw new Error(`${file}: parquetFiles[${bad}] has no "path"`);
  }
  return value as Catalog;
}

export function messageOf(reason: unknown): string {
  return (reason as { message?: string })?.message ?? String(reason);
}
