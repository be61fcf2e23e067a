/**
 * Code for a dataset found in the browser: the SQL that opens it in the SQL workspace, and the
 * notebook cell (a `%%sql` cell of the NEO kernel) that queries it with the search's own filters
 * (stations in the map area, years, parameters).
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { citation } from './citation';
import { tabledapUrl } from './erddap';
import { identifyLicence } from './licence';
import { inBBox, yearBounds } from './local';
import type { DatasetRecord, SearchQuery, Station } from './types';

export interface CodeOptions {
  query: SearchQuery;
  /** The view of the harmonised dataset in the engine; default `harmonised`. */
  table?: string;
  /** The address the engine reads a remote file through (the VRE's proxy, as an absolute URL). */
  fetchable?: (url: string) => string;
  /** The language of the notices written as comments: `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The record's stations inside the query's map area (all of them without one). */
export function stationsInArea(record: DatasetRecord, query: SearchQuery): Station[] {
  const bbox = query.bbox;
  return bbox
    ? record.stations.filter(s => inBBox(bbox, s.latitude, s.longitude))
    : record.stations;
}

/** Whether the ERDDAP dataset has both coordinates, so a map area can constrain its subset. */
export function hasCoordinates(record: DatasetRecord): boolean {
  const names = record.parameters.map(p => p.name.toLowerCase());
  return names.includes('latitude') && names.includes('longitude');
}

/**
 * The search's filters that will not apply to this record's data, each in a sentence (the dataset
 * view and the subset's report say them): a filter is never dropped without a word.
 */
export function unappliedFilters(
  record: DatasetRecord,
  query: SearchQuery,
  trans: Messages = englishMessages
): string[] {
  const notes: string[] = [];
  const years = query.years.from !== null || query.years.to !== null;
  if (record.shared) return notes;
  if (record.erddap?.protocol === 'tabledap') {
    // A search hit whose variables are not read yet: the subset reads them and says it then.
    if (!record.parameters.length) return notes;
    const id = record.erddap.datasetId;
    if (query.bbox && !hasCoordinates(record)) {
      notes.push(
        trans.__(
          "The map area is not applied: %1 has no latitude and longitude variables, so the subset covers the whole dataset's area.",
          id
        )
      );
    }
    if (years && !record.parameters.some(p => p.name === 'time')) {
      notes.push(
        trans.__(
          'The year range is not applied: %1 has no time variable, so the subset covers all its times.',
          id
        )
      );
    }
    return notes;
  }
  if (query.bbox || years) {
    notes.push(
      trans.__(
        'The map area and year range are not applied: the file is read whole (filter it in SQL).'
      )
    );
  }
  return notes;
}

function header(record: DatasetRecord): string[] {
  const licence = identifyLicence(record.licence);
  return [
    `-- ${record.title.replace(/\s+/g, ' ')}`,
    `-- ${citation(record, 'text').replace(/\s+/g, ' ')}`,
    licence
      ? `-- Licence: ${licence.short}${licence.obligations.includes('share-alike') ? ' (share-alike)' : ''}`
      : '-- Licence: none stated'
  ];
}

function sharedSql(record: DatasetRecord, options: CodeOptions): string {
  const q = options.query;
  const where = [`dataset = ${sqlString(record.shared!.datasetId)}`];
  const stations = stationsInArea(record, q);
  if (q.bbox && stations.length < record.stations.length) {
    where.push(`site_id IN (${stations.map(s => sqlString(s.id)).join(', ')})`);
  }
  const { start, end } = yearBounds(q.years);
  if (start) where.push(`time >= TIMESTAMP ${sqlString(start.slice(0, 10))}`);
  if (end) where.push(`time < TIMESTAMP ${sqlString(`${q.years.to! + 1}-01-01`)}`);
  const params = q.parameters.filter(p => record.parameters.some(x => x.name === p));
  if (params.length) where.push(`parameter IN (${params.map(sqlString).join(', ')})`);
  return [
    ...header(record),
    'SELECT time, site_id, site_name, parameter, taxon, value, unit, quality',
    `FROM ${options.table ?? 'harmonised'}`,
    `WHERE ${where.join('\n  AND ')}`,
    'ORDER BY time;'
  ].join('\n');
}

function remoteCsvSql(record: DatasetRecord, url: string, options: CodeOptions): string {
  const address = options.fetchable ? options.fetchable(url) : url;
  return [
    ...header(record),
    ...unappliedFilters(record, options.query, options.trans).map(n => `-- ${n}`),
    `SELECT * FROM read_csv(${sqlString(address)})`,
    'LIMIT 1000;'
  ].join('\n');
}

/** SQL that reads the dataset, or null when the browser has no tabular access to it. */
export function sqlFor(record: DatasetRecord, options: CodeOptions): string | null {
  if (record.shared) return sharedSql(record, options);
  if (record.erddap && record.erddap.protocol === 'tabledap') {
    const q = options.query;
    const { start, end } = yearBounds(q.years);
    const variables = record.parameters.map(p => p.name);
    const url = tabledapUrl(record.erddap, {
      // .csvp puts units in the column names, so the file is one header line and rows.
      format: 'csvp',
      variables,
      time: start || end ? { start, end } : null,
      // Variables not read yet (a search hit): ERDDAP says if the area cannot apply.
      bbox: !variables.length || hasCoordinates(record) ? q.bbox : null
    });
    return remoteCsvSql(record, url, options);
  }
  const csv = record.files.find(f => f.url && /\.(csv|tsv)(\.gz)?$/i.test(f.name));
  if (csv) return remoteCsvSql(record, csv.url!, options);
  return null;
}

/** The source of a `%%sql` notebook cell for the NEO kernel, or null (see sqlFor). */
export function sqlCell(record: DatasetRecord, options: CodeOptions): string | null {
  return notebookCell(record, options, 'sql');
}

/** What a generated notebook cell is written in: a `%%sql` cell, or JavaScript with `neo.*`. */
export type CellKind = 'sql' | 'neo';

/** A JavaScript template literal holding `text` as is. */
function templateLiteral(text: string): string {
  return `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/**
 * The `neo.pivot` call that turns the dataset's rows into the tables of a niche analysis, when it
 * has counts of taxa and other measured variables; null otherwise.
 */
export function pivotCall(record: DatasetRecord, table = 't'): string | null {
  const counts = record.parameters.find(p => p.name === 'cell_abundance');
  const environment = record.parameters
    .filter(p => p !== counts && p.name !== 'cell_abundance')
    .map(p => p.name)
    .slice(0, 4);
  if (!counts || !environment.length) return null;
  const unit = counts.unit?.split(',')[0].trim() || null;
  const abundance = unit
    ? `{ parameter: 'cell_abundance', unit: ${sqlString(unit)} }`
    : "{ parameter: 'cell_abundance' }";
  return `neo.pivot(${table}, { abundance: ${abundance}, environment: [${environment.map(sqlString).join(', ')}] })`;
}

/**
 * The source of a notebook cell for the NEO kernel that reads the dataset (null, see sqlFor): a
 * `%%sql` cell, or JavaScript that keeps the rows as `t` (`neo.sql`) with, for counts of taxa, the
 * `neo.pivot` call of a niche analysis to start from.
 */
export function notebookCell(
  record: DatasetRecord,
  options: CodeOptions,
  kind: CellKind = 'sql'
): string | null {
  const sql = sqlFor(record, options);
  if (sql === null) return null;
  if (kind === 'sql') return `%%sql\n${sql}`;
  const lines = sql.split('\n');
  const comments = lines.filter(l => l.startsWith('-- ')).map(l => `// ${l.slice(3)}`);
  const query = lines
    .filter(l => !l.startsWith('-- '))
    .join('\n')
    .replace(/;\s*$/, '');
  const pivot = pivotCall(record);
  return [
    ...comments,
    `const t = await neo.sql(${templateLiteral(`\n${query}\n`)});`,
    ...(pivot
      ? [
          '// The samples × taxa and samples × variables tables of a niche analysis (choose the variables):',
          `// const niche = ${pivot};`
        ]
      : []),
    't'
  ].join('\n');
}
