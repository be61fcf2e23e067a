/**
 * Builds catalog.json (its types are the contract's, `@odatis-vre/harmonised`): what a converted
 * directory holds, summarised from its rows.
 */
import {
  CATALOG_VERSION,
  COLUMNS,
  SCHEMA_VERSION,
  defaultQueryPlace,
  type Catalog,
  type CatalogDataFile,
  type CatalogParameter,
  type CatalogSite,
  type CatalogTaxon,
  type DatasetInput,
  type Observation,
  type TimeSpan
} from '@odatis-vre/harmonised';
import type { ObservationColumns } from './schema';
import { parameterTerm } from './vocabulary';

class Span {
  min = Infinity;
  max = -Infinity;
  add(t: number): void {
    if (t < this.min) this.min = t;
    if (t > this.max) this.max = t;
  }
  toJSON(): TimeSpan | null {
    return this.min === Infinity
      ? null
      : { start: new Date(this.min).toISOString(), end: new Date(this.max).toISOString() };
  }
}

/** What the catalogue counts alike for a parameter and for a taxon while it reads the rows. */
interface Tally {
  rowCount: number;
  span: Span;
  unitSet: Set<string>;
  siteSet: Set<string>;
}

/** A tally with no row yet, in the key order of the catalogue entry it becomes. */
function emptyTally(): Tally & { units: string[]; timeSpan: null; sites: string[] } {
  return {
    units: [],
    rowCount: 0,
    timeSpan: null,
    sites: [],
    span: new Span(),
    unitSet: new Set(),
    siteSet: new Set()
  };
}

function tally(e: Tally, time: number, unit: string | null, siteId: string): void {
  e.rowCount++;
  e.span.add(time);
  if (unit) e.unitSet.add(unit);
  e.siteSet.add(siteId);
}

/** The catalogue entry of a tally: sorted units and sites, the time span as ISO instants. */
function tallied<T extends Tally>({
  span,
  unitSet,
  siteSet,
  ...rest
}: T): Omit<T, 'span' | 'unitSet' | 'siteSet'> & {
  units: string[];
  sites: string[];
  timeSpan: TimeSpan | null;
} {
  return {
    ...rest,
    units: [...unitSet].sort(),
    sites: [...siteSet].sort(),
    timeSpan: span.toJSON()
  };
}

/** Summarise observations into a catalogue. */
export function buildCatalog(
  obs: ObservationColumns,
  datasets: DatasetInput[],
  files: { parquetFiles: CatalogDataFile[]; arrowFile: string | null },
  generated = new Date()
): Catalog {
  const tally = new CatalogTally();
  tally.add(obs);
  return tally.catalog(datasets, files, generated);
}

/**
 * The catalogue's summary, counted chunk by chunk as rows are read (a large file is never whole in
 * memory): adding chunks in reading order gives the same catalogue as one pass over every row.
 */
export class CatalogTally {
  private rowCount = 0;
  private readonly all = new Span();
  private readonly ds = new Map<string, { rows: number; span: Span; sites: Set<string> }>();
  private readonly sites = new Map<string, CatalogSite & { span: Span; snoSet: Set<string> }>();
  private readonly params = new Map<string, CatalogParameter & Tally>();
  private readonly taxa = new Map<string, CatalogTaxon & Tally>();

  add(obs: ObservationColumns): void {
    const col = <K extends Parameters<ObservationColumns['column']>[0]>(k: K) => obs.column(k);
    const time = col('time');
    const sno = col('sno');
    const siteId = col('site_id');
    const siteName = col('site_name');
    const lat = col('latitude');
    const lon = col('longitude');
    const parameter = col('parameter');
    const unit = col('unit');
    const taxon = col('taxon');
    const aphia = col('aphia_id');
    const dataset = col('dataset');
    const p01 = col('p01');
    const p02 = col('p02');
    for (let i = 0; i < obs.length; i++)
      this.one(
        time[i],
        sno[i],
        siteId[i],
        siteName[i],
        lat[i],
        lon[i],
        parameter[i],
        unit[i],
        taxon[i],
        aphia[i],
        dataset[i],
        p01[i],
        p02[i]
      );
  }

  /** One row (rows added in reading order, as `add` adds them). */
  addRow(o: Observation): void {
    this.one(
      o.time,
      o.sno,
      o.site_id,
      o.site_name,
      o.latitude,
      o.longitude,
      o.parameter,
      o.unit,
      o.taxon,
      o.aphia_id,
      o.dataset,
      o.p01,
      o.p02
    );
  }

  private one(
    t: number,
    sno: string,
    siteId: string,
    siteName: string | null,
    lat: number | null,
    lon: number | null,
    parameter: string,
    unit: string | null,
    taxon: string | null,
    aphia: number | null,
    dataset: string | null,
    p01: string | null,
    p02: string | null
  ): void {
    const { all, ds, sites, params, taxa } = this;
    this.rowCount++;
    all.add(t);
    const d = dataset ?? sno;
    let de = ds.get(d);
    if (!de) ds.set(d, (de = { rows: 0, span: new Span(), sites: new Set() }));
    de.rows++;
    de.span.add(t);
    de.sites.add(siteId);

    let s = sites.get(siteId);
    if (!s) {
      s = {
        siteId,
        siteName,
        sno: [],
        latitude: lat,
        longitude: lon,
        rowCount: 0,
        timeSpan: null,
        span: new Span(),
        snoSet: new Set()
      };
      sites.set(siteId, s);
    }
    s.rowCount++;
    s.span.add(t);
    s.snoSet.add(sno);
    if (s.latitude === null && lat !== null) [s.latitude, s.longitude] = [lat, lon];

    let p = params.get(parameter);
    if (!p) {
      const term = parameterTerm(parameter);
      p = { parameter, label: term?.label ?? null, p01, p02, ...emptyTally() };
      params.set(parameter, p);
    }
    tally(p, t, unit, siteId);

    if (taxon) {
      let e = taxa.get(taxon);
      if (!e) {
        e = { taxon, aphiaId: aphia, ...emptyTally() };
        taxa.set(taxon, e);
      }
      tally(e, t, unit, siteId);
      if (e.aphiaId === null && aphia !== null) e.aphiaId = aphia;
    }
  }

  /** The catalogue of the rows added, with the datasets and data files the caller names. */
  catalog(
    datasets: DatasetInput[],
    files: { parquetFiles: CatalogDataFile[]; arrowFile: string | null },
    generated = new Date()
  ): Catalog {
    const { all, ds, sites, params, taxa } = this;
    const byName =
      <T>(key: (x: T) => string) =>
      (a: T, b: T) =>
        key(a).localeCompare(key(b));
    return {
      catalogVersion: CATALOG_VERSION,
      schemaVersion: SCHEMA_VERSION,
      generated: generated.toISOString(),
      columns: COLUMNS,
      rowCount: this.rowCount,
      timeSpan: all.toJSON(),
      datasets: datasets
        .map(d => {
          const e = ds.get(d.id);
          return {
            ...d,
            rowCount: e?.rows ?? 0,
            timeSpan: e?.span.toJSON() ?? null,
            sites: [...(e?.sites ?? [])].sort(),
            queryPlace: defaultQueryPlace(e?.rows ?? 0)
          };
        })
        .sort(byName(d => d.id)),
      sites: [...sites.values()]
        .map(({ span, snoSet, ...s }) => ({
          ...s,
          sno: [...snoSet].sort(),
          timeSpan: span.toJSON()
        }))
        .sort(byName(s => s.siteId)),
      parameters: [...params.values()].map(tallied).sort(byName(p => p.parameter)),
      taxa: [...taxa.values()].map(tallied).sort(byName(x => x.taxon)),
      parquetFiles: files.parquetFiles,
      arrowFile: files.arrowFile
    };
  }
}
