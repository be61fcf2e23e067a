/**
 * The page's side of the NEO kernel: what a kernel's worker may ask of the session's services. It runs
 * `%%sql` and `neo.sql` on the session's one query engine (the SQL workspace's), so a notebook sees the
 * same harmonised data and files, and results cross to the worker as Arrow IPC bytes.
 */
import { tableToIPC } from 'apache-arrow';
import {
  engineLabel,
  errorMessage,
  QueryError,
  type QueryEngine,
  type TableInfo
} from '@odatis-vre/query';
import {
  CATALOG_FILE,
  englishMessages,
  messageCatalogue,
  type Messages
} from '@odatis-vre/harmonised';
import {
  joinPath,
  parseCatalog,
  type IHarmonisedDataset,
  type QueryableFiles
} from '@odatis-vre/services';
import type { HarmonisedSource } from '@odatis-vre/workshop';
import type { NeoHost, QueryEngineInfo, SqlAnswer } from './protocol';
import { fileReferences, pointAtTables } from './sql-files';

export interface SessionHostOptions {
  engine: QueryEngine;
  /** The harmonised dataset of the session, attached before the first query (null: none). */
  harmonised: IHarmonisedDataset | null;
  files: QueryableFiles;
  /** Folder of the notebook, relative to the root: relative paths are looked up there first. */
  location: string;
  /** Whether a file exists, by path from the root. */
  exists(path: string): Promise<boolean>;
  /** Messages of the page (its errors), e.g. `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

export class SessionHost implements NeoHost {
  constructor(private readonly options: SessionHostOptions) {
    this.trans = options.trans ?? englishMessages;
  }

  async query(sql: string): Promise<SqlAnswer> {
    const unavailable = await this.harmonisedProblem();
    const references = fileReferences(sql);
    const names: string[] = [];
    for (const reference of references) {
      names.push(await this.registerFile(reference.path));
    }
    const controller = new AbortController();
    this.running.add(controller);
    try {
      const result = await this.options.engine.query(pointAtTables(sql, references, names), {
        signal: controller.signal
      });
      // A query may create or load tables: completion should know them.
      void this.listTables().catch(() => undefined);
      const kind = result.engine ?? this.options.engine.kind;
      return {
        ipc: tableToIPC(result.table, 'stream'),
        engine: { kind, label: engineLabel(kind) },
        ...(result.notice ? { notice: result.notice } : {})
      };
    } catch (e) {
      const error = this.translated(e);
      const harmonised = this.options.harmonised?.name ?? 'harmonised';
      if (unavailable && error instanceof QueryError && error.message.includes(harmonised)) {
        throw new QueryError(`${error.message}\n\n${unavailable}`, error.sql);
      }
      throw error;
    } finally {
      this.running.delete(controller);
    }
  }

  async registerFile(path: string): Promise<string> {
    return this.options.files.register(await this.resolve(path));
  }

  async listTables(): Promise<TableInfo[]> {
    await this.harmonisedProblem();
    try {
      this.tables = await this.options.engine.listTables();
    } catch (e) {
      throw this.translated(e);
    }
    return this.tables;
  }

  /**
   * The tables as last listed, at once: completion must answer within JupyterLab's provider timeout
   * and must not hold the kernel while the engine starts. The list is refreshed in the background.
   */
  async knownTables(): Promise<TableInfo[]> {
    void this.listTables().catch(() => undefined);
    return this.tables ?? [];
  }

  /** Attach the shared data and list the tables as the kernel starts: the first query and completion are quicker. */
  warmUp(): void {
    void this.listTables().catch(() => undefined);
  }

  async dataset(folder?: string): Promise<HarmonisedSource> {
    const shared = this.options.harmonised;
    let path: string;
    if (folder === undefined) {
      if (!shared) {
        throw new Error(
          this.trans.__('This session has no shared harmonised dataset: give the folder of one')
        );
      }
      path = shared.path;
    } else {
      path = (await this.resolve(joinPath(folder, CATALOG_FILE))).replace(/\/?[^/]*$/, '');
    }
    const catalogPath = joinPath(path, CATALOG_FILE);
    const catalog = parseCatalog(await this.options.files.readText(catalogPath), catalogPath);
    if (shared && path === shared.path) {
      return { folder: path, source: shared.name, catalog };
    }
    if (!catalog.arrowFile) {
      throw new Error(
        this.trans.__(
          '%1 lists no Arrow file (arrowFile is null): convert the dataset with the Arrow output to query it by path',
          catalogPath
        )
      );
    }
    return { folder: path, source: joinPath(path, catalog.arrowFile), catalog };
  }

  messages(msgids: readonly string[]): Record<string, string> {
    return messageCatalogue(this.trans, msgids);
  }

  engine(): QueryEngineInfo {
    const kind = this.options.engine.kind;
    return { kind, label: engineLabel(kind) };
  }

  /** Cancel the queries running for this kernel (Kernel → Interrupt). */
  cancel(): void {
    for (const controller of this.running) {
      controller.abort();
    }
  }

  /** A path as the user wrote it → a path from the root: the notebook's folder first, then the root. */
  async resolve(path: string): Promise<string> {
    if (path.startsWith('/')) {
      return joinPath(path);
    }
    const candidates = [...new Set([joinPath(this.options.location, path), joinPath(path)])];
    for (const candidate of candidates) {
      if (await this.options.exists(candidate)) {
        return candidate;
      }
    }
    throw new Error(
      candidates.length > 1
        ? this.trans.__(
            'There is no file %1: neither %2 (beside the notebook) nor %3 (from the root) exists',
            path,
            candidates[0],
            candidates[1]
          )
        : this.trans.__('There is no file %1', candidates[0])
    );
  }

  /**
   * A query error in the page's language, as the same class: only its message crosses to the kernel's worker
   * (comlink sends an error's name, message and stack), not the msgid it may carry.
   */
  private translated(e: unknown): unknown {
    if (!(e instanceof QueryError) || !e.text) {
      return e;
    }
    const Class = e.constructor as new (message: string, sql?: string) => QueryError;
    return new Class(errorMessage(e, this.trans), e.sql);
  }

  /** Attach the harmonised dataset if it is not; a failure is a sentence to add to an error about it. */
  private async harmonisedProblem(): Promise<string | null> {
    if (!this.options.harmonised) {
      return null;
    }
    try {
      await this.options.harmonised.attach();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  private readonly trans: Messages;
  private readonly running = new Set<AbortController>();
  private tables: TableInfo[] | null = null;
}
