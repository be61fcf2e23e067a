/**
 * Quadrige long extractions, one row per result:
 * - REPHY web export: "Passage : Date", "Résultat : Valeur de la mesure", ISO-8859-1, decimal
 *   comma, dd/mm/yyyy, hydrology and taxa blocks separated by a repeated header row;
 * - SEANOE files whose headers went through R's make.names ("Passage...Date"), ISO dates.
 * Both header styles fold to the same keys ("passage.date"), so one reader serves both.
 */
import { TIME_FLAGS } from '@odatis-vre/harmonised';
import { IngestError, shown } from '../errors';
import {
  ReadContext,
  type ReadOptions,
  type RecordReader,
  RecordShape,
  SHAPE_SAMPLE,
  type SourceInfo
} from '../report';
import {
  describeSeparator,
  firstFilledLine,
  guessSeparator,
  isBlank,
  parseDate,
  parseNumber,
  lastRecordLine,
  parseRecords,
  parseTimeOfDay,
  repairMojibake,
  semicolonOrTab,
  utcMillis,
  type CsvRecord,
  type DecodedText
} from '../text';
import {
  QUADRIGE_TO_L20,
  canonicalUnit,
  unitFor,
  lookupParameter,
  parameterTerm,
  unitKind,
  type ParameterTerm
} from '../vocabulary';

/** R's missing value, in files whose headers went through R (make.names). */
const R_MISSING = 'NA';

/** "Résultat : Code paramètre" and "Resultat...Code.parametre" → "resultat.code.parametre". */
export function foldQuadrigeHeader(h: string): string {
  return h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

export const isQuadrigeHeader = (cells: readonly string[]): boolean => {
  const keys = cells.map(foldQuadrigeHeader);
  return keys.includes('passage.date') && keys.includes('resultat.valeur.de.la.mesure');
};

const KNOWN_SOURCES: {
  match: RegExp;
  info: Omit<SourceInfo, 'dataset' | 'title'>;
  dataset: string;
  title: string;
}[] = [
  {
    match: /canal amenee/i,
    dataset: 'IGA-Gravelines',
    title: 'Gravelines power-plant monitoring (IGA), SEANOE',
    info: {
      sno: 'IGA',
      doi: '10.17882/102656',
      licence: null,
      citation: 'IGA Gravelines monitoring, SEANOE, https://doi.org/10.17882/102656'
    }
  }
];

const REPHY_SOURCE: Omit<SourceInfo, 'dataset' | 'title'> = {
  sno: 'REPHY',
  doi: null,
  licence: null,
  citation: 'REPHY (Ifremer), Quadrige web export'
};

interface Columns {
  date: number;
  time: number;
  utOffset: number;
  siteLabel: number;
  siteCode: number;
  paramCode: number;
  paramLabel: number;
  taxon: number;
  aphia: number;
  value: number;
  unit: number;
  unitLabel: number;
  quality: number;
  method: number;
  depth: number;
  lon: number;
  lat: number;
  sample: number;
  header: string[];
}

function columnsOf(header: string[]): Columns {
  const keys = header.map(foldQuadrigeHeader);
  const find = (...names: string[]): number => {
    for (const n of names) {
      const i = keys.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    header,
    date: find('passage.date'),
    time: find('passage.heure'),
    utOffset: find('passage.format.ut.de.l.heure'),
    siteLabel: find('lieu.de.surveillance.libelle'),
    siteCode: find('lieu.de.surveillance.mnemonique'),
    paramCode: find('resultat.code.parametre'),
    paramLabel: find('resultat.libelle.parametre'),
    taxon: find('resultat.nom.du.taxon.referent'),
    // Extractions name it variously ("Code AphiaID", "Taxon référent : AphiaID"…): the one column
    // whose name says AphiaID.
    aphia: keys.findIndex(k => k.includes('aphia')),
    value: find('resultat.valeur.de.la.mesure'),
    unit: find(
      'resultat.symbole.unite.de.mesure.associe.au.quintuplet',
      'resultat.symbole.unite.de.mesure'
    ),
    unitLabel: find(
      'resultat.libelle.unite.de.mesure.associe.au.quintuplet',
      'resultat.libelle.unite.de.mesure'
    ),
    quality: find('resultat.niveau.de.qualite'),
    method: find('resultat.libelle.methode'),
    depth: find('prelevement.immersion'),
    lon: find('coordonnees.passage.coordonnees.maxx', 'coordonnees.passage.coordonnees.minx'),
    lat: find('coordonnees.passage.coordonnees.maxy', 'coordonnees.passage.coordonnees.miny'),
    sample: find('prelevement.identifiant', 'prelevement.mnemonique')
  };
}

export function readQuadrigeExport(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): ReadContext {
  const records = parseRecords(file, decoded.text, semicolonOrTab(firstFilledLine(decoded.text)));
  const reader = quadrigeRecords(file, decoded, records, options);
  reader.ctx.report.linesRead = lastRecordLine(records);
  return reader.ctx;
}

/**
 * Understand a Quadrige header (the first non-blank record), decode the data records after it, and
 * return the reader of the records that follow (a file read in pieces). The dataset is told by the
 * file's name, else by its first result: the records given must reach it.
 */
export function quadrigeRecords(
  file: string,
  decoded: Pick<DecodedText, 'encoding' | 'gzip' | 'bom'>,
  records: readonly CsvRecord[],
  options: ReadOptions = {}
): RecordReader {
  let start = 0;
  while (start < records.length && isBlank(records[start].cells)) start++;
  if (start >= records.length) {
    throw new IngestError({
      file,
      line: 1,
      expected: 'a Quadrige header',
      found: 'no line',
      reason: 'empty-file'
    });
  }
  const head = records[start].cells;
  if (!isQuadrigeHeader(head)) {
    const sep = guessSeparator(head.join(';'));
    throw new IngestError({
      file,
      line: records[start].line,
      expected: 'a ";"-separated Quadrige header (Passage : Date;…;Résultat : Valeur de la mesure)',
      found:
        head.length < 2 ? `a header separated by ${describeSeparator(sep)}` : shown(head.join(';')),
      reason: head.length < 2 ? 'wrong-separator' : 'bad-header'
    });
  }
  // Web exports write "Passage : Date" with dd/mm/yyyy and decimal commas; make.names files use ISO.
  const webExport = head.some(h => h.includes(' : '));
  // make.names headers come from R, which writes a missing value "NA" (write.csv2) where the web export
  // leaves the cell empty: an empty field there, a missing result (counted, not a value).
  const rMissing = !webExport;
  // The records are ";"- or tab-separated: a comma in a number can only be its decimal mark, whatever the
  // header's spelling (a web export's, one retyped without spaces, make.names).
  const decimalComma = true;
  let cols = columnsOf(head.map(repairMojibake));
  const siteOfFirstRow =
    records[start + 1]?.cells[cols.siteLabel >= 0 ? cols.siteLabel : cols.siteCode] ?? '';
  const known = KNOWN_SOURCES.find(k => k.match.test(siteOfFirstRow));
  const source: SourceInfo = known
    ? { ...known.info, dataset: known.dataset, title: known.title }
    : {
        ...REPHY_SOURCE,
        dataset: 'REPHY',
        title: 'REPHY phytoplankton and hydrology (Quadrige export)'
      };
  const ctx = new ReadContext(file, 'quadrige', source, decoded, options);
  // One result per row: every other column is a field of the result's record.
  // Columns the reader takes nothing from (an extraction may have any of Quadrige's many fields) are
  // named in the report, never dropped in silence.
  const setFields = (c: Columns): void => {
    ctx.setFieldColumns(c.header, i => i !== c.value);
    const used = new Set(Object.values(c).filter((v): v is number => typeof v === 'number'));
    const unread = c.header.filter((h, i) => !used.has(i) && h.trim() !== '');
    if (unread.length)
      ctx.warn(`columns not read (kept in the source file only): ${unread.join(', ')}`);
  };
  setFields(cols);
  const shapeOf = (c: Columns, sample: readonly CsvRecord[]): RecordShape =>
    new RecordShape(c.header, `${c.header.length} fields, as in the header`, sample);
  let shape = shapeOf(cols, records.slice(start + 1, start + 1 + SHAPE_SAMPLE));
  ctx.report.dataset = known
    ? `${known.dataset}-${datasetKind(file, cols, records[start + 1]?.cells ?? [])}`
    : 'REPHY';

  // Coordinates missing on some rows are taken from earlier rows of the same site.
  const coordsBySite = new Map<string, [number, number]>();

  const rows = (records: readonly CsvRecord[], from = 0): void => {
    for (let r = from; r < records.length; r++) {
      const { cells, line } = records[r];
      if (ctx.blankRecord(cells)) continue;
      // A repeated header has text where dates are; only then pay for the full header check.
      if (/[a-z]/i.test(cells[cols.date] ?? '') && isQuadrigeHeader(cells)) {
        cols = columnsOf(cells.map(repairMojibake)); // next block (e.g. taxa after hydrology)
        setFields(cols);
        shape = shapeOf(cols, records.slice(r + 1, r + 1 + SHAPE_SAMPLE));
        ctx.warn('repeated header rows (blocks)');
        continue;
      }
      ctx.record(cells, line);
      const raw = (cells[cols.value] ?? '').trim();
      if (cells.length <= cols.value) {
        // No result cell to read or reject: the line stops before it. Said, counted, never silent.
        ctx.warn(
          `lines cut before the result column "${cols.header[cols.value]}" (no result on them)`
        );
        continue;
      }
      // A wrong field count makes the result's fields untrustworthy: the result is rejected.
      const problem = shape.problem(
        cells,
        cols.header[Math.min(cells.length, cols.header.length - 1)]
      );
      if (problem) {
        if (raw !== '') ctx.reject({ line, ...problem });
        // No result where the header says, yet something after it: the result was shifted right.
        else if (cells.some((c, i) => i > cols.value && c.trim() !== ''))
          ctx.rejectShifted({ line, ...problem });
        continue;
      }
      if (raw === '') continue; // no result on this row
      if (rMissing && raw === R_MISSING) {
        ctx.missing();
        continue;
      }
      const cell = (i: number): string => {
        const c = i >= 0 ? repairMojibake((cells[i] ?? '').trim()) : '';
        return rMissing && c === R_MISSING ? '' : c;
      };
      const v = ctx.number(
        raw,
        {
          line,
          column: cols.header[cols.value],
          expected: webExport ? 'a number (decimal comma)' : 'a number'
        },
        { decimalComma }
      );
      if (v === null) continue;
      const date = parseDate(cell(cols.date));
      if (!date) {
        ctx.reject({
          line,
          column: cols.header[cols.date],
          expected: webExport ? 'a calendar date dd/mm/yyyy' : 'a calendar date yyyy-mm-dd',
          found: shown(cell(cols.date)),
          reason: 'bad-date'
        });
        continue;
      }
      const tod = parseTimeOfDay(cell(cols.time));
      if (tod === null) {
        ctx.reject({
          line,
          column: cols.header[cols.time],
          expected: 'a time of day hh:mm:ss',
          found: shown(cell(cols.time)),
          reason: 'bad-time'
        });
        continue;
      }
      // "Format UT de l'heure" is the offset of the written time from UT, in hours. Midnight or no
      // time means "time unknown": the date is kept as the sampling day, not shifted to the eve.
      const offsetRaw = cell(cols.utOffset);
      const offset = offsetRaw === '' || tod === 0 ? 0 : parseNumber(offsetRaw);
      if (offset === null) {
        ctx.reject({
          line,
          column: cols.header[cols.utOffset],
          expected: 'a UT offset in hours',
          found: shown(offsetRaw),
          reason: 'bad-time'
        });
        continue;
      }
      const flagRaw = cell(cols.quality);
      const quality =
        cols.quality >= 0
          ? ctx.quality(
              QUADRIGE_TO_L20,
              flagRaw,
              {
                line,
                column: cols.header[cols.quality],
                expected: 'a Quadrige quality level (Bon, Douteux, Faux, Non qualifié)'
              },
              flagRaw.toLowerCase()
            )
          : 0;
      if (quality === null) continue;
      const taxon = cell(cols.taxon);
      const code = cell(cols.paramCode);
      const { parameter, term, unit } = taxon
        ? taxonQuantity(ctx, code, cell(cols.unit), cell(cols.unitLabel))
        : physicalQuantity(ctx, code, cell(cols.unit));
      const aphia = cell(cols.aphia);
      const siteName = cell(cols.siteLabel) || cell(cols.siteCode);
      let lat = ctx.coordinate(cell(cols.lat), 'latitude', { decimalComma });
      let lon = ctx.coordinate(cell(cols.lon), 'longitude', { decimalComma });
      const { site, siteId } = ctx.locate({
        line,
        names: [siteName, cell(cols.siteCode)],
        fallback: siteName || 'unknown',
        fileHasCoordinates: lat !== null && lon !== null
      });
      if (lat !== null && lon !== null) coordsBySite.set(siteId, [lat, lon]);
      else {
        const c = coordsBySite.get(siteId) ?? (site ? [site.latitude, site.longitude] : null);
        if (c) [lat, lon] = c;
      }
      const depthRaw = cell(cols.depth);
      ctx.value({
        sno: source.sno,
        site_id: siteId,
        site_name: site?.name ?? (siteName || null),
        latitude: lat,
        longitude: lon,
        time: utcMillis(date, tod) - (offset ?? 0) * 3600_000,
        time_flag: tod === 0 ? TIME_FLAGS.dateOnly : null,
        depth: ctx.depth(depthRaw, cols.header[cols.depth], decimalComma),
        parameter,
        p01: term?.p01 ?? null,
        p02: term?.p02 ?? null,
        taxon: taxon || null,
        aphia_id: /^\d+$/.test(aphia) ? Number(aphia) : null,
        value: v,
        unit,
        quality,
        source_flag: cols.quality >= 0 ? flagRaw || null : null,
        source_file: file,
        source_row: line,
        dataset: ctx.report.dataset,
        sample_id: cell(cols.sample) || null,
        source_column: code || cols.header[cols.value],
        source_column_index: cols.value + 1,
        method: cell(cols.method) || null
      });
    }
  };
  rows(records, start + 1);
  return { ctx, rows };
}

/** What a SEANOE extraction holds: said by its file name, else by its first result's unit. */
function datasetKind(file: string, cols: Columns, firstRow: string[]): string {
  const named = /(hydro|phyto|zoo|benthos)/i.exec(file)?.[1];
  if (named) return named.toLowerCase();
  if (cols.taxon < 0) return 'hydro';
  const kind = unitKind(canonicalUnit(firstRow[cols.unit] ?? ''));
  return kind === 'individuals' ? 'zoo' : kind === 'cells' ? 'phyto' : 'taxa';
}

interface Quantity {
  parameter: string;
  term: ParameterTerm | undefined;
  unit: string | null;
}

/**
 * The quantity of a taxon's result, from the row's own unit and code: a count per volume is an
 * abundance of cells or of individuals, as its unit says; a code of the vocabulary is that
 * parameter; anything else is kept as written, and said.
 */
function taxonQuantity(ctx: ReadContext, code: string, written: string, label: string): Quantity {
  const unit = canonicalUnit(written);
  const kind = unitKind(unit);
  if (kind) {
    const parameter = kind === 'cells' ? 'cell_abundance' : 'individual_abundance';
    return { parameter, term: parameterTerm(parameter), unit };
  }
  const term = lookupParameter(code);
  if (term) return { parameter: term.code, term, unit: unitFor(term, written) };
  const parameter = code || 'taxon_measure';
  const what = written ? `"${written}"${label ? ` (${label})` : ''}` : 'no unit';
  ctx.warn(
    `taxon results in ${what}, not a count per volume: kept as parameter "${parameter}", unit ${unit ?? 'none'}`
  );
  return { parameter, term: parameterTerm(parameter), unit };
}

/** The quantity of a physico-chemical result: its code through the vocabulary, else as written. */
function physicalQuantity(ctx: ReadContext, code: string, written: string): Quantity {
  const term = lookupParameter(code);
  if (!term) ctx.warn(`parameter code not in vocabulary, kept as written: ${code || '(empty)'}`);
  let unit = unitFor(term, written);
  if (canonicalUnit(written) === null) {
    unit = term?.unit ?? null;
    if (unit)
      ctx.warn(
        `unit missing in source, taken from the parameter vocabulary (${term?.code}: ${unit})`
      );
  }
  return { parameter: term?.code ?? code, term, unit };
}
