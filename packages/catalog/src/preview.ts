/**
 * A look at a dataset before anything is downloaded: its first rows and a quick time series. For the
 * shared data and SEANOE files the rows come from the ingestion readers (so the preview shows what
 * "Add to my data" would write); for ERDDAP, from a small tabledap subset.
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { readSnoFile, type ObservationColumns } from '@odatis-vre/sno';
import Papa from 'papaparse';
import { erddapRefFromUrl, tabledapUrl } from './erddap';
import { fold } from './local';
import type { Transport } from './transport';
import type { DatasetRecord, DataFile } from './types';

export interface SeriesPoint {
  /** ISO instant. */
  time: string;
  value: number;
  /** The series it belongs to (a station). */
  series: string;
}

export interface Preview {
  /** What was read, e.g. "PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv (ingestion reader: pelagos-wide)". */
  source: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** Rows behind the preview when known. */
  totalRows: number | null;
  /** The charted parameter, with its unit. */
  seriesTitle: string | null;
  series: SeriesPoint[];
  notes: string[];
}

const FIRST_ROWS = 20;
const MAX_POINTS = 2000;

/** First rows and the time series of the most observed parameter (per station; abundances summed per sample). */
export function previewObservations(
  obs: ObservationColumns,
  source: string,
  limit = FIRST_ROWS
): Preview {
  const n = obs.length;
  const time = obs.column('time');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const columns = ['time', 'site_name', 'parameter', 'taxon', 'value', 'unit', 'quality'] as const;
  const rows = order
    .slice(0, limit)
    .map(i =>
      columns.map(c =>
        c === 'time'
          ? new Date(time[i]).toISOString().slice(0, 16).replace('T', ' ')
          : (obs.column(c)[i] as string | number | null)
      )
    );
  const parameter = obs.column('parameter');
  const counts = new Map<string, number>();
  for (const p of parameter) counts.set(p, (counts.get(p) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const series: SeriesPoint[] = [];
  let unit: string | null = null;
  if (top !== null) {
    const site = obs.column('site_name');
    const siteId = obs.column('site_id');
    const value = obs.column('value');
    const units = obs.column('unit');
    const taxon = obs.column('taxon');
    // One point per station and sampling time: the sum of the taxa counted, or the mean of a measure.
    const points = new Map<
      string,
      { time: number; series: string; sum: number; n: number; summed: boolean }
    >();
    for (const i of order) {
      if (parameter[i] !== top) continue;
      unit ??= units[i];
      const key = `${siteId[i]}\u0000${time[i]}`;
      let p = points.get(key);
      if (!p)
        points.set(
          key,
          (p = {
            time: time[i],
            series: site[i] ?? siteId[i],
            sum: 0,
            n: 0,
            summed: taxon[i] !== null
          })
        );
      p.sum += value[i];
      p.n++;
    }
    const all = [...points.values()];
    const step = Math.max(1, Math.ceil(all.length / MAX_POINTS));
    for (let k = 0; k < all.length; k += step) {
      const p = all[k];
      series.push({
        time: new Date(p.time).toISOString(),
        value: p.summed ? p.sum : p.sum / p.n,
        series: p.series
      });
    }
  }
  const summed =
    top !== null && obs.column('taxon').some((t, i) => t !== null && parameter[i] === top);
  return {
    source,
    columns: [...columns],
    rows,
    totalRows: n,
    seriesTitle:
      top === null
        ? null
        : `${top}${summed ? ' (sum over taxa per sample)' : ''}${unit ? ` [${unit}]` : ''}`,
    series,
    notes: []
  };
}

/** The first lines of a delimited text as a table (when no ingestion reader knows the format). */
export function previewDelimited(text: string, source: string, limit = FIRST_ROWS): Preview {
  const parsed = Papa.parse<string[]>(
    text
      .split(/\r?\n/)
      .slice(0, limit + 1)
      .join('\n'),
    { skipEmptyLines: true }
  );
  const [header = [], ...rows] = parsed.data;
  return {
    source,
    columns: header,
    rows: rows.slice(0, limit),
    totalRows: null,
    seriesTitle: null,
    series: [],
    notes: []
  };
}

/** An ERDDAP `.csv` answer (names, then units): rows and the series of the first numeric variable. */
export function previewErddapCsv(text: string, source: string, limit = FIRST_ROWS): Preview {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const [names = [], units = [], ...data] = parsed.data;
  const timeIndex = names.indexOf('time');
  const skip = new Set(['time', 'latitude', 'longitude', 'depth', 'altitude']);
  const station = names.findIndex(n => /^(station|site|platform)/i.test(n));
  const valueIndex = names.findIndex(
    (n, i) =>
      !skip.has(n) &&
      !/_QC$/i.test(n) &&
      i !== station &&
      data.some(r => r[i] !== 'NaN' && Number.isFinite(Number(r[i])))
  );
  const series: SeriesPoint[] = [];
  if (timeIndex >= 0 && valueIndex >= 0) {
    const step = Math.max(1, Math.ceil(data.length / MAX_POINTS));
    for (let k = 0; k < data.length; k += step) {
      const v = Number(data[k][valueIndex]);
      if (data[k][valueIndex] === 'NaN' || !Number.isFinite(v)) continue;
      series.push({
        time: data[k][timeIndex],
        value: v,
        series: station >= 0 ? data[k][station] : names[valueIndex]
      });
    }
  }
  return {
    source,
    columns: names.map((n, i) => (units[i] ? `${n} (${units[i]})` : n)),
    rows: data.slice(0, limit).map(r => r.map(c => (c === 'NaN' ? null : c))),
    totalRows: data.length,
    seriesTitle:
      valueIndex >= 0
        ? `${names[valueIndex]}${units[valueIndex] ? ` [${units[valueIndex]}]` : ''}`
        : null,
    series,
    notes: []
  };
}

/** Reads a file through the ingestion readers; a format they do not know is shown as raw lines, with the reason. */
export function previewFile(
  name: string,
  bytes: Uint8Array,
  truncated: boolean,
  trans: Messages = englishMessages
): Preview {
  let cut = bytes;
  if (truncated) {
    // A head read by range ends mid-line: keep whole lines only.
    const last = bytes.lastIndexOf(10);
    if (last > 0) cut = bytes.subarray(0, last + 1);
  }
  try {
    const read = readSnoFile(name, cut);
    const preview = previewObservations(
      read.observations,
      `${name} (ingestion reader: ${read.report.format})`
    );
    if (truncated) {
      preview.totalRows = null;
      preview.notes.push(
        trans.__(
          'Only the first %1 bytes were read for the preview.',
          cut.length.toLocaleString('en')
        )
      );
    }
    return preview;
  } catch (e) {
    const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (isGzip) throw e;
    const text = new TextDecoder().decode(cut);
    const preview = previewDelimited(text, name);
    preview.notes.push(
      trans.__('The ingestion readers do not recognise this file: %1', (e as Error).message)
    );
    return preview;
  }
}

/** Where the previewer reads from. */
export interface PreviewIO {
  transport: Transport;
  /** Bytes of a source file of the shared data, by name (from the user's files). */
  sharedFile?: (name: string) => Promise<Uint8Array>;
  /** The language of the preview's notes: `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

/** Largest remote file read whole for a preview; bigger plain files are read by range. */
const WHOLE_FILE = 8 * 1024 * 1024;
const HEAD_BYTES = 512 * 1024;

/** The open table files of a record, in its order: what "Add to my data" takes (a record may hold the
 * biology and the hydrology of one programme in two files, and a niche analysis needs both). */
export function tabularFiles(record: DatasetRecord): DataFile[] {
  return record.files.filter(f => f.url && f.openAccess && /\.(csv|tsv|txt)(\.gz)?$/i.test(f.name));
}

/** The file of a record the preview reads: the first open table file. */
export function tabularFile(record: DatasetRecord): DataFile | null {
  return tabularFiles(record)[0] ?? null;
}

/** Letters and digits only, lower case: to find a station's name inside a file name. */
const squash = (s: string) => fold(s).replace(/[^a-z0-9]+/g, '');

/**
 * A preview of the record. `stations` names the stations the person is looking at (the map area):
 * of a shared dataset's files, one that names such a station is read first.
 */
export async function previewRecord(
  record: DatasetRecord,
  io: PreviewIO,
  signal?: AbortSignal,
  stations: string[] = []
): Promise<Preview> {
  const trans = io.trans ?? englishMessages;
  if (record.shared) {
    if (!io.sharedFile) throw new Error(trans.__('The shared data files cannot be read here'));
    const files = record.shared.sourceFiles;
    const words = stations.flatMap(s => squash(s).match(/[a-z]{4,}/g) ?? []);
    const name = files.find(f => words.some(w => squash(f).includes(w))) ?? files[0];
    if (!name) throw new Error(trans.__('The shared dataset %1 lists no source file', record.id));
    const preview = previewFile(name, await io.sharedFile(name), false, trans);
    if (files.length > 1) preview.notes.push(trans.__('One of %1 source files.', files.length));
    return preview;
  }
  const erddap =
    record.erddap ?? record.links.map(l => erddapRefFromUrl(l.url)).find(Boolean) ?? null;
  if (erddap) {
    const end = record.timeSpan?.end ? new Date(record.timeSpan.end) : new Date();
    const start = new Date(end.getTime() - 365 * 86400_000);
    const url = tabledapUrl(erddap, {
      format: 'csv',
      variables: [],
      time: { start: start.toISOString().replace('.000Z', 'Z'), end: null }
    });
    const text = await io.transport.text(url, { source: 'ERDDAP', signal });
    const preview = previewErddapCsv(text, url);
    preview.notes.push(trans.__('The last year of the series.'));
    return preview;
  }
  const file = tabularFile(record);
  if (!file) {
    throw new Error(trans.__('This record offers no table file to preview (see its links).'));
  }
  const whole = file.bytes !== null && file.bytes <= WHOLE_FILE;
  const gz = /\.gz$/i.test(file.name);
  if (!whole && gz && file.bytes !== null) {
    throw new Error(
      `${file.name} is a compressed file of ${file.bytes.toLocaleString('en')} bytes: too large to preview`
    );
  }
  const head = !(whole || gz);
  const bytes = await io.transport.bytes(file.url!, {
    source: record.source === 'seanoe' ? 'SEANOE' : record.source,
    // A server that ignores the range still sends the start first: reading stops at the bound.
    headers: head ? { Range: `bytes=0-${HEAD_BYTES - 1}` } : undefined,
    headBytes: head ? HEAD_BYTES : undefined,
    maxBytes: WHOLE_FILE,
    signal
  });
  return previewFile(file.name, bytes, head && bytes.length >= HEAD_BYTES, trans);
}

/** A Vega-Lite spec of the preview's series (rendered by JupyterLab's own Vega renderer). */
export function seriesSpec(preview: Preview, width = 600): Record<string, unknown> | null {
  if (!preview.series.length) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width,
    height: 180,
    data: { values: preview.series },
    mark: { type: 'line', point: preview.series.length < 80, strokeWidth: 1.2 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null },
      y: { field: 'value', type: 'quantitative', title: preview.seriesTitle },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } }
    }
  };
}
