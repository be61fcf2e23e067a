/**
 * PHYTOBS Pelagos "wide" export: six header rows (column names, then taxon_user, aphiaID, stage,
 * form, sex in the label column), one row per sample, one column per taxon (cells per litre).
 * Empty cell = not recorded; 0 = counted zero. The flow-cytometry variant (PICONANO) puts the
 * label column last and its measurement columns (Val_*) before it.
 */
import { IngestError, shown } from '../errors';
import { ReadContext, fieldCountProblem, type RowProblem, type SourceInfo } from '../report';
import {
  describeSeparator,
  guessSeparator,
  parseDate,
  parseNumber,
  lastRecordLine,
  parseRecords,
  parseTimeOfDay,
  repairMojibake,
  utcMillis,
  type DecodedText
} from '../text';
import { findSite, parameterTerm, slugSiteId } from '../vocabulary';
import { SYNTH_SOURCE } from '../report';

export const PHYTOBS_SOURCE: Omit<SourceInfo, 'dataset' | 'title'> = {
  sno: 'PHYTOBS',
  doi: '10.17882/85178',
  licence: 'CC-BY-SA 2.0',
  citation: 'PHYTOBS network, Pelagos database export, https://doi.org/10.17882/85178'
};

const LABELS = ['taxon_user', 'aphiaID', 'stage', 'form', 'sex'] as const;

/** Flow-cytometry groups of the PICONANO export, by the code in Val_<code>. */
const CYTOMETRY_GROUPS: Record<string, string> = {
  LNABac: 'Low nucleic acid bacteria',
  HNABac: 'High nucleic acid bacteria',
  TotBac: 'Heterotrophic bacteria',
  PicoE: 'Picoeukaryotes',
  TotEuk: 'Eukaryotes (pico + nano)',
  NanoE: 'Nanoeukaryotes',
  Cry: 'Cryptophyceae',
  Pro: 'Prochlorococcus',
  Syn: 'Synechococcus'
};

const CYTOMETRY_SUFFIX: Record<string, string> = {
  SSC: 'side_scatter_rel',
  FL_Red: 'fluorescence_red_rel',
  FL_Green: 'fluorescence_green_rel',
  FL_Orange: 'fluorescence_orange_rel'
};

interface ValueColumn {
  index: number;
  header: string;
  parameter: string;
  unit: string | null;
  taxon: string | null;
  taxonUser: string | null;
  aphiaId: number | null;
  qualifier: string | null;
}

export function readPelagosWideExport(file: string, decoded: DecodedText): ReadContext {
  const records = parseRecords(file, decoded.text, ';');
  const header = records[0].cells.map(repairMojibake);
  if (header.length < 2) {
    const sep = guessSeparator(records[0].cells[0] ?? '');
    throw new IngestError({
      file,
      line: 1,
      expected: 'a ";"-separated Pelagos header (station*;site d\'echantillonnage*;…)',
      found: `a header separated by ${describeSeparator(sep)}`,
      reason: 'wrong-separator'
    });
  }
  if (records.length < 6) {
    throw new IngestError({
      file,
      line: records.length + 1,
      expected: 'six header rows (names, taxon_user, aphiaID, stage, form, sex) before the data',
      found: `end of file after ${records.length} line(s)`,
      reason: 'truncated-header'
    });
  }
  // The label column holds taxon_user/aphiaID/stage/form/sex on rows 2–6.
  let labelCol = header.indexOf('taxon_pelagos');
  if (labelCol < 0) labelCol = records[1].cells.findIndex(c => c.trim() === 'taxon_user');
  if (labelCol < 0) {
    throw new IngestError({
      file,
      line: 2,
      expected: 'the label "taxon_user" in the taxon_pelagos column',
      found: shown(records[1].cells.join(';')),
      reason: 'bad-header'
    });
  }
  for (let k = 0; k < LABELS.length; k++) {
    const found = (records[1 + k].cells[labelCol] ?? '').trim();
    if (found !== LABELS[k]) {
      throw new IngestError({
        file,
        line: records[1 + k].line,
        column: header[labelCol] || String(labelCol + 1),
        expected: `header label "${LABELS[k]}"`,
        found: shown(found),
        reason: 'bad-header'
      });
    }
  }
  // Value columns are named and attributed by position on line 1: a names row that stops before
  // the label column (found through the taxon_user row) leaves them nameless, whichever layout.
  if (labelCol >= header.length) {
    throw new IngestError({
      file,
      line: records[0].line,
      column: String(labelCol + 1),
      expected: `column names on line 1 up to the label column "taxon_pelagos" (column ${labelCol + 1}), as on the label rows`,
      found: `a names row cut after ${header.length} column(s), ending with ${shown(header[header.length - 1])}`,
      reason: 'truncated-header'
    });
  }
  const cytometry =
    labelCol === header.length - 1 || header.slice(labelCol + 1).every(h => h.trim() === '');
  // Files written by generateSynthetic() say so in their station column: never label them PHYTOBS.
  const synthetic =
    (records[6]?.cells[header.findIndex(h => h.startsWith('station'))] ?? '').trim() ===
    'SYNTHETIC';
  const source: SourceInfo = synthetic
    ? {
        ...SYNTH_SOURCE,
        dataset: 'SYNTH-phytoplankton',
        title: 'Synthetic phytoplankton counts (PHYTOBS layout, known truth)'
      }
    : {
        ...PHYTOBS_SOURCE,
        dataset: cytometry ? 'PHYTOBS-PICONANO-cytometry' : 'PHYTOBS-Pelagos',
        title: cytometry
          ? 'PHYTOBS / SOMLIT pico- and nanoplankton flow cytometry (Pelagos export)'
          : 'PHYTOBS microphytoplankton counts (Pelagos export)'
      };
  const ctx = new ReadContext(file, 'pelagos-wide', source, decoded);
  ctx.report.linesRead = lastRecordLine(records);

  const col = (prefix: string): number => header.findIndex(h => h.startsWith(prefix));
  const cStation = col('station');
  const cSite = col("site d'echantillonnage");
  const cDataset = col('jeu de donnees');
  const cSample = col('sample_name');
  const cDate = col('sampling_date');
  const cTime = col('sampling_time');
  const cDepth = col('sampling_depth_min');
  const cMethod = col('analysis_method');
  for (const [name, c] of [
    ['sampling_date(dd/mm/yyyy)*', cDate],
    ["site d'echantillonnage*", cSite]
  ] as const) {
    if (c < 0) {
      throw new IngestError({
        file,
        line: 1,
        column: name,
        expected: `a column "${name}"`,
        found: 'no such column',
        reason: 'bad-header'
      });
    }
  }

  const columns: ValueColumn[] = [];
  const meta = (k: number, i: number): string =>
    repairMojibake((records[1 + k].cells[i] ?? '').trim());
  if (!cytometry) {
    for (let i = labelCol + 1; i < header.length; i++) {
      const aphia = meta(1, i);
      const qualifier = [
        ['stage', meta(2, i)],
        ['form', meta(3, i)],
        ['sex', meta(4, i)]
      ]
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      columns.push({
        index: i,
        // A taxon column whose name was blanked is still named, by its number, in rejections.
        header: header[i].trim() ? header[i] : `#${i + 1}`,
        parameter: 'cell_abundance',
        unit: 'cells/L',
        taxon: header[i].trim() || meta(0, i) || null,
        taxonUser: meta(0, i) || null,
        aphiaId: /^\d+$/.test(aphia) ? Number(aphia) : null,
        qualifier: qualifier || null
      });
    }
  } else {
    for (let i = 0; i < labelCol; i++) {
      const h = header[i].trim();
      const m = /^Val_([A-Za-z]+)(?:_(SSC|FL_Red|FL_Green|FL_Orange))?$/.exec(h);
      if (m) {
        columns.push({
          index: i,
          header: h,
          parameter: m[2] ? CYTOMETRY_SUFFIX[m[2]] : 'cell_abundance',
          unit: m[2] ? '1' : 'cells/mL',
          taxon: CYTOMETRY_GROUPS[m[1]] ?? m[1],
          taxonUser: h,
          aphiaId: null,
          qualifier: null
        });
      } else if (/^valbeads/i.test(h)) {
        columns.push({
          index: i,
          header: h,
          parameter: 'beads_value',
          unit: null,
          taxon: null,
          taxonUser: null,
          aphiaId: null,
          qualifier: h.replace(/^valbeads/i, 'beads: ') || null
        });
      }
    }
  }

  let repaired = 0;
  const text = (cells: string[], i: number): string | null => {
    if (i < 0) return null;
    const raw = (cells[i] ?? '').trim();
    const fixed = repairMojibake(raw);
    if (fixed !== raw) repaired++;
    return fixed === '' ? null : fixed;
  };

  for (let r = 6; r < records.length; r++) {
    const { cells, line } = records[r];
    if (ctx.blankRecord(cells)) continue;
    ctx.report.rowsRead++;
    // A row whose value cells do not line up with the header cannot be attributed to taxa.
    let rowProblem: RowProblem | null = null;
    if (cells.length !== header.length) {
      rowProblem = fieldCountProblem(cells.length, header, `${header.length} ";"-separated fields`);
    }
    const date = parseDate(cells[cDate] ?? '');
    const tod = cTime >= 0 ? parseTimeOfDay(cells[cTime] ?? '') : 0;
    if (!rowProblem && !date) {
      rowProblem = {
        column: header[cDate],
        expected: 'a calendar date dd/mm/yyyy',
        found: shown(cells[cDate] ?? ''),
        reason: 'bad-date'
      };
    } else if (!rowProblem && tod === null) {
      rowProblem = {
        column: header[cTime],
        expected: 'a time of day h:m',
        found: shown(cells[cTime] ?? ''),
        reason: 'bad-time'
      };
    }
    const siteText = text(cells, cSite);
    const datasetText = text(cells, cDataset);
    const site = findSite(siteText, datasetText);
    const depthRaw = cDepth >= 0 ? (cells[cDepth] ?? '').trim() : '';
    const depth = depthRaw === '' ? null : parseNumber(depthRaw);
    if (depthRaw !== '' && depth === null)
      ctx.warn(`depth not a number, left empty (${header[cDepth]})`);
    const base = {
      sno: source.sno,
      site_id:
        site?.siteId ?? slugSiteId(siteText ?? datasetText ?? text(cells, cStation) ?? 'unknown'),
      site_name: site?.name ?? siteText,
      latitude: site?.latitude ?? null,
      longitude: site?.longitude ?? null,
      time: date && tod !== null ? utcMillis(date, tod) : 0,
      depth,
      source_file: file,
      source_row: line,
      dataset: source.dataset,
      sample_id: text(cells, cSample),
      method: text(cells, cMethod)
    };
    for (const c of columns) {
      const raw = (cells[c.index] ?? '').trim();
      if (raw === '') continue; // not recorded
      const v = ctx.number(raw, { line, column: c.header, expected: 'a number' }, { rowProblem });
      if (v === null) continue;
      if (c.parameter === 'cell_abundance' && v < 0) {
        ctx.reject({
          line,
          column: c.header,
          expected: 'a count ≥ 0',
          found: raw,
          reason: 'negative-count'
        });
        continue;
      }
      const term = parameterTerm(c.parameter);
      ctx.value(
        {
          parameter: c.parameter,
          p01: term?.p01 ?? null,
          p02: term?.p02 ?? null,
          taxon: c.taxon,
          aphia_id: c.aphiaId,
          value: v,
          unit: c.unit,
          quality: 0,
          source_column: c.header,
          source_column_index: c.index + 1,
          taxon_user: c.taxonUser,
          taxon_qualifier: c.qualifier
        },
        base
      );
    }
  }
  if (repaired)
    ctx.warn('mis-encoded accents repaired (UTF-8 read as Latin-1) in text cells', repaired);
  if (!columns.length) ctx.warn('no value columns found');
  return ctx;
}
