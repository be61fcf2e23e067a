/**
 * SOMLIT export (hydro, piconano, ctd): "//" preamble lines, header "ID_SITE;nomSite*;DATE;HEURE;
 * COEF_MAREE;MAREE;PROF_TEXT;PROF_NUM;X;qX;…", a "//" units line, then data (sometimes after an
 * empty ";;;" line). 999999 = missing value. qX codes are SOMLIT's 0–9 scheme, mapped to L20.
 */
import { TIME_FLAGS } from '@odatis-vre/harmonised';
import { IngestError, shown } from '../errors';
import {
  ReadContext,
  type ReadOptions,
  SYNTH_SOURCE,
  RecordShape,
  SHAPE_SAMPLE,
  type SourceInfo
} from '../report';
import {
  describeSeparator,
  guessSeparator,
  parseDate,
  parseNumber,
  lastRecordLine,
  parseRecords,
  repeatsHeader,
  REPEATED_HEADER,
  parseTimeOfDay,
  repairMojibake,
  semicolonOrTab,
  utcMillis,
  type DecodedText
} from '../text';
import {
  SOMLIT_TO_L20,
  canonicalUnit,
  unitFor,
  lookupParameter,
  parameterTerm
} from '../vocabulary';

export const SOMLIT_MISSING = 999999;

/** SOMLIT metadata columns (everything else is a parameter, optionally followed by its qX). */
export const SOMLIT_META_COLUMNS = [
  'ID_SITE',
  'nomSite*',
  'DATE',
  'HEURE',
  'COEF_MAREE',
  'MAREE',
  'PROF_TEXT',
  'PROF_NUM'
];

/** Piconano cytometric groups: SOMLIT code → taxon (group) name. */
export const SOMLIT_CYTOMETRY_GROUPS: Record<string, string> = {
  TBACT: 'Heterotrophic bacteria',
  HNA: 'High nucleic acid bacteria',
  LNA: 'Low nucleic acid bacteria',
  SYNE: 'Synechococcus',
  PROC: 'Prochlorococcus',
  PEUK: 'Picoeukaryotes',
  NEUK: 'Nanoeukaryotes',
  CRYPT: 'Cryptophyceae'
};

const somlitSource = (kind: string): SourceInfo => ({
  sno: 'SOMLIT',
  dataset: `SOMLIT-${kind}`,
  title: `SOMLIT ${kind} (Service d'Observation en Milieu LITtoral)`,
  doi: null,
  licence: null,
  citation: "SOMLIT, Service d'Observation en Milieu LITtoral, INSU-CNRS"
});

/**
 * A SOMLIT column name as compared: trimmed, upper case, no trailing "*". SOMLIT names differ by more
 * than case, and a quality column is told by its place (right after its parameter), so a header re-saved
 * in lower or mixed case ("id_site;nomsite*;date;…;t;qt") names the same columns.
 */
const somlitKey = (h: string): string => h.normalize('NFC').trim().toUpperCase().replace(/\*$/, '');
const META_KEYS = new Set(SOMLIT_META_COLUMNS.map(somlitKey));

export const isSomlitHeader = (cells: readonly string[]): boolean =>
  somlitKey(cells[0] ?? '') === 'ID_SITE' && cells.some(c => somlitKey(c) === 'DATE');

export function readSomlitExport(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): ReadContext {
  // The header line says the separator (the "//" lines before it may hold a ";" in their text).
  const separator = semicolonOrTab(
    decoded.text.split(/\r?\n/, 50).find(l => /^\s*"?ID_SITE/i.test(l)) ?? ''
  );
  const records = parseRecords(file, decoded.text, separator);
  let h = 0;
  const preamble: string[] = [];
  while (h < records.length && (records[h].cells[0] ?? '').startsWith('//')) {
    preamble.push(records[h].cells.join(separator));
    h++;
  }
  if (h >= records.length || !isSomlitHeader(records[h].cells)) {
    const line = records[h]?.cells.join(';') ?? '';
    const sep = guessSeparator(line);
    throw new IngestError({
      file,
      line: records[h]?.line ?? h + 1,
      expected: 'the SOMLIT header "ID_SITE;nomSite*;DATE;HEURE;…" after the "//" preamble',
      found:
        h >= records.length
          ? 'end of file'
          : sep !== ';'
            ? `a header separated by ${describeSeparator(sep)}`
            : shown(line),
      reason:
        h >= records.length ? 'truncated-header' : sep !== ';' ? 'wrong-separator' : 'bad-header'
    });
  }
  const header = records[h].cells.map(c => c.trim());
  const keys = header.map(somlitKey);
  const unitsRec = records[h + 1];
  const units = unitsRec && (unitsRec.cells[0] ?? '').startsWith('//') ? unitsRec.cells : null;
  const idx = (name: string): number => keys.indexOf(somlitKey(name));
  const cSite = idx('ID_SITE');
  const cName = idx('nomSite*');
  const cDate = idx('DATE');
  const cTime = idx('HEURE');
  const cDepth = idx('PROF_NUM');

  // name: as written (source_column); code: its key (the vocabulary's and the cytometry groups').
  const params: { index: number; flag: number; name: string; code: string; unit: string | null }[] =
    [];
  const unknownIndex: number[] = [];
  // A quality column: "q" + the name of the parameter just before it, in any case.
  const flagOf = (i: number): boolean =>
    i > 0 && keys[i] === `Q${keys[i - 1]}` && !META_KEYS.has(keys[i - 1]) && keys[i - 1] !== '';
  for (let i = 0; i < header.length; i++) {
    const name = header[i];
    if (META_KEYS.has(keys[i])) continue;
    if (name === '' || /^q[A-Z0-9]/.test(name) || flagOf(i)) {
      // A quality column belongs to the parameter just before it; any other is not understood.
      if (!flagOf(i)) unknownIndex.push(i);
      continue;
    }
    const flag = flagOf(i + 1) ? i + 1 : -1;
    params.push({
      index: i,
      flag,
      name,
      code: keys[i],
      unit: units ? canonicalUnit(units[i]) : null
    });
  }
  const names = new Set(params.map(p => p.code));
  const kindFromPreamble = /piconano|ctd|hydro/i.exec(preamble.join(' '))?.[0].toLowerCase();
  const kind =
    kindFromPreamble ??
    (params.some(p => p.code in SOMLIT_CYTOMETRY_GROUPS)
      ? 'piconano'
      : names.has('CHLA') || names.has('NO3')
        ? 'hydro'
        : 'ctd');
  const source = /SYNTHETIC/.test(preamble.join(' '))
    ? {
        ...SYNTH_SOURCE,
        dataset: `SYNTH-${kind}`,
        title: `Synthetic ${kind} (SOMLIT layout, known truth)`
      }
    : somlitSource(kind);
  const ctx = new ReadContext(file, 'somlit', source, decoded, options);
  ctx.report.linesRead = lastRecordLine(records);
  const valueColumns = new Set([...params.map(p => p.index), ...unknownIndex]);
  ctx.setFieldColumns(header, i => !valueColumns.has(i));
  const unknown = unknownIndex.map(i =>
    ctx.unknownColumn(header, i, 'a SOMLIT column: site, date and depth fields, X or its qX')
  );
  for (const p of params) {
    if (p.flag < 0) ctx.warn(`parameter column without its q column (quality 0): ${p.name}`);
    if (!lookupParameter(p.code) && !(p.code in SOMLIT_CYTOMETRY_GROUPS))
      ctx.warn(`parameter code not in vocabulary, kept as written: ${p.name}`);
  }

  const firstData = h + (units ? 2 : 1);
  const shape = new RecordShape(
    header,
    `${header.length} ${describeSeparator(separator)}-separated fields`,
    records.slice(firstData, firstData + SHAPE_SAMPLE)
  );
  for (let r = h + (units ? 2 : 1); r < records.length; r++) {
    const { cells, line } = records[r];
    if (ctx.blankRecord(cells)) continue;
    if (repeatsHeader(cells, [header])) {
      ctx.warn(REPEATED_HEADER);
      continue;
    }
    if ((cells[0] ?? '').startsWith('//')) {
      ctx.warn('comment lines ("//") inside the data');
      continue;
    }
    ctx.record(cells, line);
    for (const u of unknown) u.cell(cells, line);
    let rowProblem = shape.problem(cells);
    const date = parseDate(cells[cDate] ?? '');
    const tod = parseTimeOfDay(cells[cTime] ?? '');
    if (!rowProblem && !date) {
      rowProblem = {
        column: header[cDate] ?? 'DATE',
        expected: 'a calendar date YYYY-MM-DD',
        found: shown(cells[cDate] ?? ''),
        reason: 'bad-date'
      };
    } else if (!rowProblem && tod === null) {
      rowProblem = {
        column: header[cTime] ?? 'HEURE',
        expected: 'a time hh:mm:ss',
        found: shown(cells[cTime] ?? ''),
        reason: 'bad-time'
      };
    }
    const siteNum = parseNumber(cells[cSite] ?? '');
    const siteName = repairMojibake((cells[cName] ?? '').trim());
    if (!rowProblem && siteNum === null) {
      rowProblem = {
        column: header[cSite] ?? 'ID_SITE',
        expected: 'a SOMLIT site number',
        found: shown(cells[cSite] ?? ''),
        reason: 'bad-site'
      };
    }
    // The station number first; a number the register does not know, by the station's name.
    const numbered = siteNum !== null ? ctx.sites.findSomlit(siteNum) : undefined;
    const { site, siteId } =
      numbered || rowProblem
        ? { site: numbered, siteId: numbered?.siteId ?? '' }
        : ctx.locate({ line, names: [siteName], fallback: siteName || `somlit-${siteNum}` });
    const depthRaw = (cells[cDepth] ?? '').trim();
    const depthNum = ctx.depth(depthRaw, header[cDepth] ?? 'PROF_NUM', true);
    const depth = depthNum === SOMLIT_MISSING ? null : depthNum;

    for (const p of params) {
      const raw = (cells[p.index] ?? '').trim();
      if (raw === '') continue;
      const v = ctx.number(
        raw,
        { line, column: p.name, expected: 'a number' },
        // ";"- or tab-separated: a comma can only be a decimal mark (the export re-saved by a French
        // spreadsheet).
        { rowProblem, decimalComma: true }
      );
      if (v === null) continue;
      if (v === SOMLIT_MISSING) {
        ctx.missing();
        continue;
      }
      const flagRaw = p.flag >= 0 ? (cells[p.flag] ?? '').trim() : '';
      const quality =
        flagRaw !== ''
          ? ctx.quality(SOMLIT_TO_L20, flagRaw, {
              line,
              column: header[p.flag],
              expected: 'a SOMLIT quality code 0–9'
            })
          : 0;
      if (quality === null) continue;
      const group = SOMLIT_CYTOMETRY_GROUPS[p.code];
      const term = group ? parameterTerm('cell_abundance') : lookupParameter(p.code);
      ctx.value({
        sno: source.sno,
        site_id: siteId,
        site_name: site?.name ?? (siteName || null),
        latitude: site?.latitude ?? null,
        longitude: site?.longitude ?? null,
        time: utcMillis(date!, tod!),
        // SOMLIT writes 00:00:00 when the time is unknown.
        time_flag: tod === 0 ? TIME_FLAGS.dateOnly : null,
        depth,
        parameter: term?.code ?? p.name,
        p01: term?.p01 ?? null,
        p02: term?.p02 ?? null,
        taxon: group ?? null,
        value: v,
        unit: group ? (p.unit ?? 'cells/mL') : unitFor(term, p.unit),
        quality,
        source_flag: flagRaw || null,
        source_file: file,
        source_row: line,
        dataset: source.dataset,
        source_column: p.name,
        source_column_index: p.index + 1
      });
    }
  }
  return ctx;
}
