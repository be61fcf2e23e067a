/**
 * "Add to my data" in JupyterLab: download through the transport (the VRE's proxy) — a record's table
 * files, or an ERDDAP dataset's tabledap subset for the search's years and map area — then
 * @odatis-vre/catalog's addToMyData writes the user's own harmonised dataset through the contents
 * service. Parquet is written by parquet-wasm, whose binary ships with this extension.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  addToMyData as addFiles,
  erddapSubset,
  reportLine,
  tabularFiles,
  type DatasetRecord,
  type DataStore,
  type Retrieved,
  type SearchQuery,
  type Transport
} from '@odatis-vre/catalog';
import type { Messages } from '@odatis-vre/harmonised';
import initParquet from 'parquet-wasm';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The user's files through the contents service (the browser drive, or a Jupyter server). */
export function contentsStore(app: JupyterFrontEnd): DataStore {
  const contents = app.serviceManager.contents;
  const exists = async (path: string) => {
    try {
      await contents.get(path, { content: false });
      return true;
    } catch {
      return false;
    }
  };
  const remove = async (path: string): Promise<void> => {
    try {
      // The browser drive removes a folder with all it holds; a Jupyter server may refuse a non-empty one.
      await contents.delete(path);
    } catch {
      const model = await contents.get(path, { content: true });
      for (const child of (model.content ?? []) as { path: string }[]) await remove(child.path);
      await contents.delete(path);
    }
  };
  return {
    async read(path) {
      let model;
      try {
        model = await contents.get(path, { type: 'file', format: 'base64', content: true });
      } catch {
        return null;
      }
      return model.format === 'base64'
        ? fromBase64(String(model.content).replace(/\s+/g, ''))
        : new TextEncoder().encode(String(model.content));
    },
    async write(path, bytes) {
      await contents.save(path, { type: 'file', format: 'base64', content: toBase64(bytes) });
    },
    async mkdir(path) {
      // Saving a folder that exists leaves it and its files as they are (drive and Jupyter server).
      await contents.save(path, { type: 'directory' });
    },
    exists,
    remove
  };
}

/** Why a record cannot be added (in the language of `trans`), or null when it can. */
export function canAddToMyData(record: DatasetRecord, trans: Messages): string | null {
  if (record.shared) return trans.__('Already in the shared data: query it as it is.');
  if (tabularFiles(record).length) return null;
  if (record.erddap?.protocol === 'tabledap') return null;
  if (record.erddap) {
    return trans.__('Gridded (griddap) ERDDAP datasets cannot be added to my data.');
  }
  return trans.__('This record offers no table file the ingestion readers can take.');
}

let parquetReady: Promise<unknown> | null = null;

export async function addToMyData(
  app: JupyterFrontEnd,
  record: DatasetRecord,
  options: {
    transport: Transport;
    sharedFile: (name: string) => Promise<Uint8Array>;
    myDataPath: string;
    query: SearchQuery;
    progress: (fraction: number | null, text: string) => void;
    /** The language of what it says: errors, progress, the catalogue's notes (the subset's, the report's). */
    trans: Messages;
  }
): Promise<string> {
  const { progress, trans } = options;
  const why = canAddToMyData(record, trans);
  if (why) throw new Error(why);
  // The download is the first half of the progress bar, shared among the files.
  const onProgress =
    (what: string, k = 0, n = 1) =>
    (received: number, total: number | null) =>
      progress(
        total ? (0.5 * (k + received / total)) / n : null,
        trans.__('Downloading %1: %2 bytes', what, received.toLocaleString('en'))
      );
  const files = tabularFiles(record);
  const retrieved: Retrieved[] = [];
  for (const [k, file] of files.entries()) {
    progress((0.5 * k) / files.length, trans.__('Downloading %1', file.name));
    const bytes = await options.transport.bytes(file.url!, {
      source: record.source === 'seanoe' ? 'SEANOE' : record.source,
      onProgress: onProgress(file.name, k, files.length)
    });
    retrieved.push({
      name: file.name,
      url: file.url!,
      bytes,
      retrieved: new Date().toISOString(),
      doi: record.doi,
      licence: record.licence?.text ?? null,
      citation: record.preferredCitation,
      record: {
        source: record.source,
        id: record.id,
        title: record.title,
        landingPage: record.landingPage
      }
    });
  }
  if (!files.length) {
    // An ERDDAP dataset: the tabledap subset of the search's years and map area.
    progress(0, trans.__('Downloading the ERDDAP subset of %1', record.erddap!.datasetId));
    retrieved.push(
      await erddapSubset(options.transport, record, options.query, {
        onProgress: onProgress(record.erddap!.datasetId),
        trans: options.trans
      })
    );
  }
  parquetReady ??= initParquet();
  await parquetReady;
  const report = await addFiles(
    contentsStore(app),
    options.myDataPath,
    retrieved,
    progress,
    options.trans
  );
  const values = report.catalog.rowCount.toLocaleString('en');
  return [
    report.catalog.datasets.length === 1
      ? trans.__('%1: %2 values in 1 dataset', report.folder, values)
      : trans.__(
          '%1: %2 values in %3 datasets',
          report.folder,
          values,
          report.catalog.datasets.length
        ),
    ...report.files.map(r => reportLine(r, trans)),
    ...report.notes
  ].join('\n');
}
