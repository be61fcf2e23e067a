/**
 * "Add to my data": files downloaded from a catalogue go through the ingestion readers into the
 * user's own harmonised dataset, with their provenance (source URL, DOI, licence, retrieval time)
 * and the per-file report. Each addition writes a new version folder whole, then the dataset's
 * catalog.json — the one file that says which version is the dataset — and only then removes the
 * previous version: a failure at any step leaves the previous dataset as it was.
 *
 *   <my-data>/catalog.json                          parquetFiles point into the current version
 *   <my-data>/v<stamp>/report.json  provenance.json
 *   <my-data>/v<stamp>/sources/<file>                the files as downloaded
 *   <my-data>/v<stamp>/parquet/sno=…/site=…/year=…/part-0.parquet
 *
 * Subsets of one ERDDAP dataset (other years, another map area) make one dataset of my data,
 * `ERDDAP-<datasetID>`: each subset stays a source file with its own request in provenance.json, and
 * a value two subsets both hold (same station, time, depth, parameter and taxon) is kept once, from
 * the subset added first.
 */
import { englishMessages, type Catalog, type Messages } from '@odatis-vre/harmonised';
import {
  assembleHarmonised,
  formatIssue,
  IngestError,
  readSnoFile,
  REJECTED_FILE,
  rejectionLine,
  type FileReport,
  type IngestIssue,
  type ReadOptions,
  type ReadSource
} from '@odatis-vre/sno';
import { erddapRefFromUrl } from './erddap';

/** The user's files, as the data browser can reach them (contents service, or a folder in tests). */
export interface DataStore {
  /** Bytes of a file, or null when there is none. */
  read(path: string): Promise<Uint8Array | null>;
  /** Writes a file (its folder exists). */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Makes a folder (its parent exists); a folder already there is fine. */
  mkdir(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Removes a file or a folder and all it holds. */
  remove(path: string): Promise<void>;
}

/** A file as retrieved from a catalogue. */
export interface Retrieved {
  name: string;
  url: string;
  bytes: Uint8Array;
  /** When it was downloaded (ISO). */
  retrieved: string;
  doi: string | null;
  licence: string | null;
  citation: string | null;
  record: { source: string; id: string; title: string; landingPage: string | null };
  /** What the download did not do as asked (e.g. a map area a dataset without coordinates cannot take). */
  notes?: string[];
}

/** One line of provenance.json. */
export interface ProvenanceEntry {
  file: string;
  sha256: string;
  bytes: number;
  url: string;
  retrieved: string;
  doi: string | null;
  licence: string | null;
  citation: string | null;
  record: Retrieved['record'];
}

export interface MyDataReport {
  folder: string;
  added: string[];
  files: FileReport[];
  catalog: Catalog;
  notes: string[];
}

export type MyDataProgress = (fraction: number | null, text: string) => void;

const te = new TextEncoder();
const json = (value: unknown) => te.encode(`${JSON.stringify(value, null, 1)}\n`);

/** Rejected values as REJECTED_FILE holds them: one JSON object per line. */
function jsonLines(issues: readonly IngestIssue[]): Uint8Array {
  return te.encode(issues.map(i => `${rejectionLine(i)}\n`).join(''));
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}

/** A plain file name (no folders, nothing a path could abuse). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^\.+/, '');
  return clean || 'download';
}

/** The report of one file in a line, as the CLI prints it. */
export function reportLine(r: FileReport, trans: Messages = englishMessages): string {
  return (
    trans.__(
      '%1 [%2, %3]: %4 rows read, %5 values written, %6 missing-coded, %7 rejected',
      r.file,
      r.format,
      r.dataset,
      r.rowsRead,
      r.valuesWritten,
      r.valuesMissing,
      r.valuesRejected
    ) +
    Object.entries(r.rejectedByReason)
      .map(([reason, n]) => ` (${n} × ${reason})`)
      .join('')
  );
}

/**
 * What the readers are told of a downloaded file they cannot know from its content: an ERDDAP
 * tabledap answer belongs to the ERDDAP dataset it was asked of (one dataset of my data for all its
 * subsets), titled as the catalogue titles it.
 */
export function readOptionsOf(entry: Pick<ProvenanceEntry, 'url' | 'record'>): ReadOptions {
  const ref = /\/tabledap\//.test(entry.url) ? erddapRefFromUrl(entry.url) : null;
  if (!ref) return {};
  return { source: { dataset: `ERDDAP-${ref.datasetId}`, title: entry.record.title } };
}

/**
 * Values a later ERDDAP subset repeats of an earlier subset of the same ERDDAP dataset (same station,
 * time, depth, parameter, taxon) are dropped from the later one: overlapping subsets hold each value
 * once. Only across subsets: rows within one file, and files of other sources, are kept as read.
 * Returns how many values each file lost.
 */
export function dropRepeatedValues(
  read: ReadSource[],
  subsets: ReadonlySet<string>
): Map<string, number> {
  const seen = new Map<string, Set<string>>();
  const dropped = new Map<string, number>();
  for (const r of read) {
    if (!subsets.has(r.name)) continue;
    const o = r.observations;
    const [site, time, depth, parameter, taxon] = (
      ['site_id', 'time', 'depth', 'parameter', 'taxon'] as const
    ).map(c => o.column(c));
    const keyOf = (i: number) =>
      `${site[i]}\u0000${time[i]}\u0000${depth[i]}\u0000${parameter[i]}\u0000${taxon[i]}`;
    let earlier = seen.get(r.report.dataset);
    if (!earlier) seen.set(r.report.dataset, (earlier = new Set()));
    const keep: number[] = [];
    for (let i = 0; i < o.length; i++) if (!earlier.has(keyOf(i))) keep.push(i);
    for (const i of keep) earlier.add(keyOf(i));
    if (keep.length < o.length) {
      dropped.set(r.name, o.length - keep.length);
      r.observations = o.select(keep);
    }
  }
  return dropped;
}

/**
 * Adds files to the user's dataset folder `dir`. Throws (and writes nothing) when a file cannot be
 * read by the ingestion readers, or when the folder holds a different file of the same name.
 */
export async function addToMyData(
  store: DataStore,
  dir: string,
  added: Retrieved[],
  progress: MyDataProgress = () => undefined,
  /** The language of the errors, progress labels and notes: `translator.load('odatis_vre')`; default English. */
  trans: Messages = englishMessages
): Promise<MyDataReport> {
  const folder = dir.replace(/\/+$/, '');
  const catalogPath = `${folder}/catalog.json`;
  const current = await store.read(catalogPath);
  let version: string | null = null;
  const previous: ProvenanceEntry[] = [];
  if (current) {
    const catalog = JSON.parse(new TextDecoder().decode(current)) as Catalog;
    version = /^(v[0-9a-z]+)\//.exec(catalog.parquetFiles[0]?.path ?? '')?.[1] ?? null;
    const provenance = version ? await store.read(`${folder}/${version}/provenance.json`) : null;
    if (!provenance) {
      throw new Error(
        trans.__(
          '%1 holds a dataset that "Add to my data" did not make (no provenance); choose another folder',
          folder
        )
      );
    }
    previous.push(...(JSON.parse(new TextDecoder().decode(provenance)) as ProvenanceEntry[]));
  }

  // Every source file: those already there (as downloaded) and the new ones.
  const entries: { entry: ProvenanceEntry; bytes: Uint8Array; fresh: boolean }[] = [];
  for (const p of previous) {
    const bytes = await store.read(`${folder}/${version}/sources/${p.file}`);
    if (!bytes)
      throw new Error(
        trans.__(
          '%1 is missing: the dataset cannot be rebuilt',
          `${folder}/${version}/sources/${p.file}`
        )
      );
    entries.push({ entry: p, bytes, fresh: false });
  }
  const names: string[] = [];
  for (const f of added) {
    const file = safeFileName(f.name);
    const sha256 = await sha256Hex(f.bytes);
    const twin = entries.find(e => e.entry.file === file);
    if (twin && twin.entry.sha256 === sha256) continue;
    if (twin) {
      throw new Error(
        trans.__(
          '%1 already holds another file named %2 (from %3); nothing was added',
          folder,
          file,
          twin.entry.url
        )
      );
    }
    entries.push({
      entry: {
        file,
        sha256,
        bytes: f.bytes.length,
        url: f.url,
        retrieved: f.retrieved,
        doi: f.doi,
        licence: f.licence,
        citation: f.citation,
        record: f.record
      },
      bytes: f.bytes,
      fresh: true
    });
    names.push(file);
  }
  if (!names.length)
    throw new Error(
      trans.__('Already in %1: %2', folder, added.map(f => safeFileName(f.name)).join(', '))
    );

  // Read everything through the ingestion readers; one unreadable file and nothing is written.
  const read: ReadSource[] = [];
  const subsets = new Set<string>();
  // Every rejected value, written beside report.json as a conversion on disk writes it (held here: the
  // files added are in memory already, so their rejections are bounded by them).
  const rejected: IngestIssue[] = [];
  const rejections = { file: REJECTED_FILE, add: (issue: IngestIssue) => rejected.push(issue) };
  let k = 0;
  for (const { entry, bytes } of entries) {
    progress(0.5 + (0.2 * k++) / entries.length, trans.__('Reading %1', entry.file));
    let r;
    try {
      const options = readOptionsOf(entry);
      if (options.source) subsets.add(entry.file);
      r = readSnoFile(entry.file, bytes, { ...options, rejections });
    } catch (e) {
      const why = e instanceof IngestError ? formatIssue(e.issue) : (e as Error).message;
      throw new Error(trans.__('The ingestion readers cannot read %1: %2', entry.file, why));
    }
    read.push({
      name: entry.file,
      sha256: entry.sha256,
      bytes: entry.bytes,
      report: r.report,
      // What the catalogue says of its own file completes what the reader knows of the format.
      source: {
        ...r.source,
        doi: r.source.doi ?? entry.doi,
        licence: r.source.licence ?? entry.licence,
        citation: r.source.citation ?? entry.citation
      },
      observations: r.observations
    });
  }
  const repeated = dropRepeatedValues(read, subsets);
  progress(0.75, trans.__('Writing Parquet partitions'));
  const next = `v${Date.now().toString(36)}`;
  const parts: [string, Uint8Array][] = [];
  const assembled = await assembleHarmonised(read, {
    formats: ['parquet'],
    write: (path, bytes) => {
      parts.push([path, bytes]);
    }
  });
  const catalog: Catalog = {
    ...assembled,
    parquetFiles: assembled.parquetFiles.map(f => ({ ...f, path: `${next}/${f.path}` }))
  };
  const files: [string, Uint8Array][] = [
    ...parts,
    ...entries.map(e => [`sources/${e.entry.file}`, e.bytes] as [string, Uint8Array]),
    ['report.json', json({ files: read.map(r => r.report) })],
    [REJECTED_FILE, jsonLines(rejected)],
    ['provenance.json', json(entries.map(e => e.entry))]
  ];
  // Folders first, parents before children.
  const folders = new Set<string>([folder, `${folder}/${next}`]);
  for (const [path] of files) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++)
      folders.add(`${folder}/${next}/${parts.slice(0, i).join('/')}`);
  }
  try {
    for (const f of [...folders].sort((a, b) => a.split('/').length - b.split('/').length))
      await store.mkdir(f);
    for (let i = 0; i < files.length; i++) {
      progress(0.8 + (0.15 * i) / files.length, trans.__('Writing %1', files[i][0]));
      await store.write(`${folder}/${next}/${files[i][0]}`, files[i][1]);
    }
    // The commit: from here on the dataset is the new version.
    await store.write(catalogPath, json(catalog));
  } catch (e) {
    await store.remove(`${folder}/${next}`).catch(() => undefined);
    throw new Error(trans.__('Nothing was added to %1: %2', folder, (e as Error).message));
  }
  const notes: string[] = added.flatMap(f => f.notes ?? []);
  if (rejected.length)
    notes.push(
      trans.__(
        'Every rejected value (%1), with its file, line, column, what was expected and found: %2',
        rejected.length.toLocaleString('en'),
        `${folder}/${next}/${REJECTED_FILE}`
      )
    );
  notes.push(
    ...[...repeated].map(([file, n]) =>
      trans.__(
        '%1 values of %2 were already in my data from an earlier subset of the same ERDDAP dataset: kept once.',
        n.toLocaleString('en'),
        file
      )
    )
  );
  if (version) {
    progress(0.97, trans.__('Removing the previous version %1', version));
    try {
      await store.remove(`${folder}/${version}`);
    } catch (e) {
      notes.push(
        trans.__(
          'The previous version %1 could not be removed (%2); it is no longer used.',
          `${folder}/${version}`,
          (e as Error).message
        )
      );
    }
  }
  progress(1, trans.__('Done'));
  return { folder, added: names, files: read.map(r => r.report), catalog, notes };
}
