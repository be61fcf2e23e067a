/**
 * Files of the contents service made queryable by path: a notebook or a query names `shared/x.parquet`
 * or `results/y.csv`, and the engine gets a relation of that name holding the file.
 */
import { parseDataFileName } from '@odatis-vre/harmonised';
import type { QueryEngine } from '@odatis-vre/query';
import { messageOf } from './harmonised';

/** A file as the contents service gives it. */
export interface ContentsFile {
  bytes: Uint8Array;
  /** Last modification, to load the file again when it changed. */
  lastModified: string;
}

export interface QueryableFilesOptions {
  engine: QueryEngine;
  /**
   * The bytes of a file by path from the root (the contents service). Reading through the contents service
   * works alike for files in browser storage, on a Jupyter server, and in read-only shared folders.
   */
  read(path: string): Promise<ContentsFile>;
  /** The last modification of a file, without its content; null when there is no such file. */
  lastModified(path: string): Promise<string | null>;
}

/** Whether the engine can load a file by its name: Parquet, Arrow or CSV (not gzipped: DuckDB-WASM reads it from memory). */
export function isQueryableFile(path: string): boolean {
  const { format, gzip } = parseDataFileName(path);
  return format !== null && !gzip;
}

export class QueryableFiles {
  constructor(private readonly options: QueryableFilesOptions) {}

  /**
   * Make the file at `path` queryable; returns the relation name, which is the path itself (quote it:
   * `SELECT * FROM "shared/x.parquet"`). A file already loaded is loaded again only if it changed.
   */
  async register(path: string): Promise<string> {
    if (!isQueryableFile(path)) {
      throw new Error(
        `${path}: expected a .parquet, .arrow or .csv file, found "${path.split('/').pop()}"`
      );
    }
    const modified = await this.options.lastModified(path);
    if (modified === null) {
      throw new Error(`There is no file ${path}`);
    }
    if (this.loaded.get(path) === modified) {
      return path;
    }
    const file = await this.options.read(path);
    try {
      await this.options.engine.registerFile(
        path,
        { buffer: file.bytes },
        { format: parseDataFileName(path).format! }
      );
    } catch (reason) {
      throw new Error(`${path} could not be loaded by the query engine: ${messageOf(reason)}`);
    }
    this.loaded.set(path, file.lastModified);
    return path;
  }

  private readonly loaded = new Map<string, string>();
}
