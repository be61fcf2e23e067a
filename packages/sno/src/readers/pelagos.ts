/**
 * PHYTOBS Pelagos "wide" export: six header rows (column names, then taxon_user, aphiaID, stage,
 * form, sex in the label column), one row per sample. Columns after the label column are taxa (cells
 * per litre; empty = not recorded, 0 = counted zero). Flow-cytometry measurements (Val_*, valbeads*)
 * stand before the label column: alone in the PICONANO export (label column last), or beside taxa
 * when a station runs both programmes. Every column is classified on its own, whatever the label
 * column's position; one the reader does not know is reported and its cells rejected.
 */
import { TIME_FLAGS } from '@odatis-vre/harmonised';
import { IngestError, shown } from '../errors';
import {
  ReadContext,
  type ReadOptions,
  SYNTH_SOURCE,
  RecordShape,
  SHAPE_SAMPLE,
  type SourceInfo,
  type UnknownColumn
} from '../report';
import {
  describeSeparator,
  firstLine,
  guessSeparator,
  semicolonOrTab,
  lastRecordLine,
  parseDate,
  parseRecords,
  parseTimeOfDay,
  repairMojibake,
  utcMillis,
  type CsvRecord,
  type DecodedText
} from '../text';
import { parameterTerm } from '../vocabulary';

export const PHYTOBS_SOURCE: Omit<SourceInfo, 'dataset' | 'title'> = {
  sno: 'PHYTOBS',
  doi: '10.17882/85178',
  licence: 'CC-BY-SA 2.0',
  citation: 'PHYTOBS network, Pelagos database export, https://doi.org/10.17882/85178'
};

/** The 32 metadata columns of a Pelagos phytoplankton-count export, in order. */
export const PELAGOS_METADATA_COLUMNS = [
  'station*',
  "site d'echantillonnage*",
  'jeu de donnees*',
  'sample_name*',
  'sampling_resp*',
  'sampling_date(dd/mm/yyyy)*',
  'sampling_time (hh:mm)',
  'sampling_depth_min',
  'sampling_depth_max',
  'sampling_volume',
  'tide',
  'tide_coefficient',
  'sampling_device*',
  'bottle_model',
  'bottle_volume (liter)',
  'pump_model',
  'pump_flow (L per min)',
  'net_length (m)',
  'net_type',
  'net_area (m2)',
  'net_mesh (µm)',
  'net_direction',
  'analysis_method*',
  'analysis_resp*',
  'analysis_date (dd/mm/yyyy)*',
  'preservation',
  'volume_analysed(ml)',
  'filtration_mesh',
  'sample_fraction',
  'fractioning_method',
  'fixing_method',
  'volume_sedimentation_chamber(ml)'
];

/** Metadata columns of the flow-cytometry (PICONANO) export, in place of the counting ones. */
export const PELAGOS_CYTOMETRY_METADATA_COLUMNS = [
  'rawdatafile',
  'cytometer',
  'analysissoftware',
  'analysissoftwareversion',
  'fixativemethod',
  'fixativefinalconcentration',
  'storagecondition',
  'otherproduct',
  'flashfrozen',
  'beadsreferences',
  'beadssize'
];

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

/**
 * A Pelagos column name or label as compared. Pelagos names are fixed identifiers that differ by more
 * than case, accents or spacing, so a file re-saved with other case ("Sampling_Date"), accents
 * ("jeu de données"), decomposed accents (NFD), spaces or a unit written after the name
 * ("sampling_depth_min (m)") names the same column: no trailing "*", no unit in parentheses.
 */
export const foldPelagosName = (h: string): string =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\*\s*$/, '')
    .replace(/\s*\([^()]*\)\s*\*?\s*$/, '')
    .trim()
    .replace(/[\s_]+/g, '_');
const KNOWN_METADATA = new Set(
  [...PELAGOS_METADATA_COLUMNS, ...PELAGOS_CYTOMETRY_METADATA_COLUMNS].map(foldPelagosName)
);
const LABEL_COLUMN = 'taxon_pelagos';

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

/** What the six header rows say: where each field is, and what every other column holds. */
interface PelagosLayout {
  header: string[];
  labelCol: number;
  values: ValueColumn[];
  /** Columns neither metadata, label nor values: reported, their cells rejected. */
  unknown: number[];
  /** Sampling fields found after the label column, among the taxa (said in the report). */
  movedMetadata: string[];
  taxa: boolean;
  cytometry: boolean;
  station: number;
  site: number;
  dataset: number;
  sample: number;
  date: number;
  time: number;
  depth: number;
  method: number;
}

export function readPelagosWideExport(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): ReadContext {
  const separator = semicolonOrTab(firstLine(decoded.text));
  const records = parseRecords(file, decoded.text, separator);
  const layout = pelagosLayout(file, records);
  // Files written by generateSynthetic() say so in their station column: never label them PHYTOBS.
  const synthetic = (records[6]?.cells[layout.station] ?? '').trim() === 'SYNTHETIC';
  const ctx = new ReadContext(
    file,
    'pelagos-wide',
    pelagosSource(layout, synthetic),
    decoded,
    options
  );
  ctx.report.linesRead = lastRecordLine(records);
  const fields = new Set(layout.values.map(c => c.index).concat(layout.unknown));
  ctx.setFieldColumns(layout.header, i => !fields.has(i));
  const unknown = layout.unknown.map(i =>
    ctx.unknownColumn(
      layout.header,
      i,
      'a known Pelagos column: sampling metadata, Val_* or valbeads* before taxon_pelagos, a named taxon after it'
    )
  );

  const clock = sampleClock(records, layout);
  if (clock.twelveHour)
    ctx.warn(
      `sampling times look like a 12-hour clock without AM/PM (no hour ≥ 12 among ${clock.timed} timed ` +
        `samples): time_flag "${TIME_FLAGS.hourUncertain12h}" — pair these samples by date, never by hour`
    );
  const sample = new SampleReader(
    ctx,
    layout,
    unknown,
    clock.twelveHour,
    separator,
    records.slice(6, 6 + SHAPE_SAMPLE)
  );
  for (let r = 6; r < records.length; r++) sample.read(records[r]);
  if (sample.repaired)
    ctx.warn('mis-encoded accents repaired (UTF-8 read as Latin-1) in text cells', sample.repaired);
  if (!layout.values.length) ctx.warn('no value columns found');
  if (layout.movedMetadata.length)
    ctx.warn(
      `sampling fields found among the taxa, after ${LABEL_COLUMN}, read as fields: ${layout.movedMetadata.join(', ')}`
    );
  return ctx;
}

function pelagosSource(layout: PelagosLayout, synthetic: boolean): SourceInfo {
  if (synthetic)
    return {
      ...SYNTH_SOURCE,
      dataset: 'SYNTH-phytoplankton',
      title: 'Synthetic phytoplankton counts (PHYTOBS layout, known truth)'
    };
  const [dataset, title] =
    layout.cytometry && !layout.taxa
      ? [
          'PHYTOBS-PICONANO-cytometry',
          'PHYTOBS / SOMLIT pico- and nanoplankton flow cytometry (Pelagos export)'
        ]
      : layout.cytometry
        ? [
            'PHYTOBS-Pelagos-counts-and-cytometry',
            'PHYTOBS microphytoplankton counts and flow cytometry (Pelagos export)'
          ]
        : ['PHYTOBS-Pelagos', 'PHYTOBS microphytoplankton counts (Pelagos export)'];
  return { ...PHYTOBS_SOURCE, dataset, title };
}

/** Check the six header rows and classify every column. */
function pelagosLayout(file: string, records: CsvRecord[]): PelagosLayout {
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
  const labelCol = findLabelColumn(file, header, records);
  const folded = header.map(foldPelagosName);
  const col = (name: string): number => {
    const at = folded.indexOf(name);
    const again = folded.indexOf(name, at + 1);
    // Two columns for one sampling field (once folded): which one holds it is no guess to make.
    if (at >= 0 && again >= 0)
      throw new IngestError({
        file,
        line: records[0].line,
        column: header[again],
        expected: `one column "${name}" (names compared without case, accents, "*" or unit)`,
        found: `two: ${shown(header[at])} (column ${at + 1}) and ${shown(header[again])} (column ${again + 1})`,
        reason: 'bad-header'
      });
    return at;
  };
  const layout: PelagosLayout = {
    header,
    labelCol,
    values: [],
    unknown: [],
    movedMetadata: [],
    taxa: false,
    cytometry: false,
    station: col('station'),
    site: col("site_d'echantillonnage"),
    dataset: col('jeu_de_donnees'),
    sample: col('sample_name'),
    date: col('sampling_date'),
    time: col('sampling_time'),
    depth: col('sampling_depth_min'),
    method: col('analysis_method')
  };
  for (const [name, c] of [
    ['sampling_date(dd/mm/yyyy)*', layout.date],
    ["site d'echantillonnage*", layout.site]
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
  const meta = (k: number, i: number): string =>
    repairMojibake((records[1 + k].cells[i] ?? '').trim()).normalize('NFC');
  const roles = new Set([
    layout.station,
    layout.site,
    layout.dataset,
    layout.sample,
    layout.date,
    layout.time,
    layout.depth,
    layout.method
  ]);
  for (let i = 0; i < header.length; i++) {
    if (i === labelCol) continue;
    // A sampling field moved among the taxa (a column reordered in a spreadsheet) is still that field,
    // never a taxon: no taxon bears a Pelagos field's name, and its label rows are empty.
    if (
      i > labelCol &&
      (roles.has(i) || KNOWN_METADATA.has(folded[i])) &&
      !meta(0, i) &&
      !meta(1, i)
    ) {
      layout.movedMetadata.push(header[i].trim());
      continue;
    }
    const column = i > labelCol ? taxonColumn(header, i, meta) : cytometryColumn(header[i], i);
    if (column) {
      layout.values.push(column);
      if (i > labelCol) layout.taxa = true;
      else layout.cytometry = true;
    } else if (i > labelCol || !(roles.has(i) || KNOWN_METADATA.has(folded[i]))) {
      layout.unknown.push(i);
    }
  }
  return layout;
}

/** The label column holds taxon_user/aphiaID/stage/form/sex on rows 2–6. */
function findLabelColumn(file: string, header: string[], records: CsvRecord[]): number {
  let labelCol = header.findIndex(h => foldPelagosName(h) === LABEL_COLUMN);
  if (labelCol < 0)
    labelCol = records[1].cells.findIndex(c => foldPelagosName(c) === foldPelagosName(LABELS[0]));
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
    if (foldPelagosName(found) !== foldPelagosName(LABELS[k])) {
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
  return labelCol;
}

/** A column after the label column: a taxon, named on line 1 or by its taxon_user; else unknown. */
function taxonColumn(
  header: string[],
  i: number,
  meta: (k: number, i: number) => string
): ValueColumn | null {
  const name = header[i].trim().normalize('NFC');
  const user = meta(0, i);
  if (!name && !user) return null;
  const aphia = meta(1, i);
  const qualifier = [
    ['stage', meta(2, i)],
    ['form', meta(3, i)],
    ['sex', meta(4, i)]
  ]
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return {
    index: i,
    // A taxon column whose name was blanked is still named, by its number, in rejections.
    header: name ? header[i] : `#${i + 1}`,
    parameter: 'cell_abundance',
    unit: 'cells/L',
    taxon: name || user,
    taxonUser: user || null,
    aphiaId: /^\d+$/.test(aphia) ? Number(aphia) : null,
    qualifier: qualifier || null
  };
}

/** A column before the label column: a cytometry measurement (Val_*, valbeads*), else null. */
function cytometryColumn(raw: string, index: number): ValueColumn | null {
  const h = raw.trim();
  // Named as Pelagos writes them (Val_Syn_FL_Red), in any case.
  const m = /^Val_([A-Za-z]+)(?:_(SSC|FL_Red|FL_Green|FL_Orange))?$/i.exec(h);
  if (m) {
    const group = Object.keys(CYTOMETRY_GROUPS).find(g => g.toLowerCase() === m[1].toLowerCase());
    const suffix = m[2]
      ? Object.keys(CYTOMETRY_SUFFIX).find(x => x.toLowerCase() === m[2].toLowerCase())!
      : null;
    return {
      index,
      header: h,
      parameter: suffix ? CYTOMETRY_SUFFIX[suffix] : 'cell_abundance',
      unit: suffix ? '1' : 'cells/mL',
      taxon: group ? CYTOMETRY_GROUPS[group] : m[1],
      taxonUser: h,
      aphiaId: null,
      qualifier: null
    };
  }
  if (/^valbeads/i.test(h)) {
    return {
      index,
      header: h,
      parameter: 'beads_value',
      unit: null,
      taxon: null,
      taxonUser: null,
      aphiaId: null,
      qualifier: h.replace(/^valbeads/i, 'beads: ') || null
    };
  }
  return null;
}

/**
 * Whether the export's times read like a 12-hour clock that lost its AM/PM: times are given, and
 * none is in the afternoon. Midnight ("0:0") means no time was given.
 */
function sampleClock(
  records: CsvRecord[],
  layout: PelagosLayout
): { twelveHour: boolean; timed: number } {
  if (layout.time < 0) return { twelveHour: false, timed: 0 };
  let timed = 0;
  for (let r = 6; r < records.length; r++) {
    const tod = parseTimeOfDay(records[r].cells[layout.time] ?? '');
    if (!tod) continue;
    if (tod >= 12 * 3600_000) return { twelveHour: false, timed: 0 };
    timed++;
  }
  return { twelveHour: timed > 0, timed };
}

/** Decodes the data rows (one sample each) of a classified export. */
class SampleReader {
  repaired = 0;
  private readonly shape: RecordShape;

  constructor(
    private readonly ctx: ReadContext,
    private readonly layout: PelagosLayout,
    private readonly unknown: UnknownColumn[],
    private readonly twelveHourClock: boolean,
    separator: string,
    /** The first data records: the shape of the file's lines. */
    sample: readonly CsvRecord[]
  ) {
    this.shape = new RecordShape(
      layout.header,
      `${layout.header.length} ${describeSeparator(separator)}-separated fields`,
      sample
    );
  }

  read({ cells, line }: CsvRecord): void {
    const { ctx, layout } = this;
    if (ctx.blankRecord(cells)) return;
    ctx.record(cells, line);
    for (const u of this.unknown) u.cell(cells, line);
    const { header } = layout;
    // A row whose value cells do not line up with the header cannot be attributed to taxa.
    let rowProblem = this.shape.problem(cells);
    const date = parseDate(cells[layout.date] ?? '');
    const tod = layout.time >= 0 ? parseTimeOfDay(cells[layout.time] ?? '') : 0;
    if (!rowProblem && !date) {
      rowProblem = {
        column: header[layout.date],
        expected: 'a calendar date dd/mm/yyyy',
        found: shown(cells[layout.date] ?? ''),
        reason: 'bad-date'
      };
    } else if (!rowProblem && tod === null) {
      rowProblem = {
        column: header[layout.time],
        expected: 'a time of day h:m',
        found: shown(cells[layout.time] ?? ''),
        reason: 'bad-time'
      };
    }
    const siteText = this.text(cells, layout.site);
    const datasetText = this.text(cells, layout.dataset);
    const { site, siteId } = ctx.locate({
      line,
      names: [siteText, datasetText],
      // The station column names the institution, not the place: only an id of last resort.
      fallback: siteText ?? datasetText ?? this.text(cells, layout.station) ?? 'unknown'
    });
    const depthRaw = layout.depth >= 0 ? (cells[layout.depth] ?? '').trim() : '';
    const depth = ctx.depth(depthRaw, header[layout.depth], true);
    const base = {
      sno: ctx.source.sno,
      site_id: siteId,
      site_name: site?.name ?? siteText,
      latitude: site?.latitude ?? null,
      longitude: site?.longitude ?? null,
      time: date && tod !== null ? utcMillis(date, tod) : 0,
      time_flag: !tod
        ? TIME_FLAGS.dateOnly
        : this.twelveHourClock
          ? TIME_FLAGS.hourUncertain12h
          : null,
      depth,
      source_file: ctx.file,
      source_row: line,
      dataset: ctx.source.dataset,
      sample_id: this.text(cells, layout.sample),
      method: this.text(cells, layout.method)
    };
    for (const c of layout.values) {
      const raw = (cells[c.index] ?? '').trim();
      if (raw === '') continue; // not recorded
      // ";"- or tab-separated: a comma in a count can only be its decimal mark (the export re-saved by a
      // French spreadsheet).
      const v = ctx.number(
        raw,
        { line, column: c.header, expected: 'a number' },
        { rowProblem, decimalComma: true }
      );
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

  private text(cells: string[], i: number): string | null {
    if (i < 0) return null;
    const raw = (cells[i] ?? '').trim();
    const fixed = repairMojibake(raw);
    if (fixed !== raw) this.repaired++;
    return fixed === '' ? null : fixed;
  }
}
