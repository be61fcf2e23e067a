/**
 * `neo.plot.*`: Vega-Lite specifications of query results and niche analyses. A cell whose value is one
 * is drawn by JupyterLab's own Vega-Lite renderer; the spec is plain JSON, kept in the notebook.
 * Line, climatology and scatter charts are the SQL workspace's (`@odatis-vre/sql` charts). Titles are in
 * the page's language: the worker gets the translations of `PLOT_MESSAGES` from the page when it starts.
 */
import type { Table } from 'apache-arrow';
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import {
  CHART_MESSAGES,
  chartSpec,
  chartValues,
  suggestCharts,
  type ChartFields,
  type ChartKind,
  type VegaLiteSpec
} from '@odatis-vre/sql/lib/charts';
import { equalScaleFrame, labelOrdination } from '@odatis-vre/workshop/lib/labels';
import { isArrowTable, isDataTable, type DataTableLike } from './display';

/** JupyterLab's renderer draws Vega-Lite 5; our specs use nothing newer. */
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const WIDTH = 560;
const HEIGHT = 320;

export interface PlotOptions extends ChartFields {
  title?: string;
  width?: number;
  height?: number;
}

function forNotebook(spec: VegaLiteSpec, options: PlotOptions): VegaLiteSpec {
  return {
    ...spec,
    $schema: SCHEMA,
    width: options.width ?? WIDTH,
    height: options.height ?? HEIGHT,
    ...(options.title ? { title: options.title } : {})
  };
}

function requireTable(value: unknown, what: string): Table {
  if (!isArrowTable(value)) {
    throw new TypeError(
      `${what} expects an Arrow table (a %%sql result or neo.sql(...)), found ${describe(value)}`
    );
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

/**
 * The msgids of the plots' titles (the SQL workspace's charts' and ours): the kernel's worker fetches their
 * translations from the page when it starts (`NeoHost.messages`).
 */
export const PLOT_MESSAGES: readonly string[] = [
  ...CHART_MESSAGES,
  '%1 by %2',
  'OMI axis 1',
  'OMI axis 2',
  'OMI: species niche positions and environmental variables',
  '%1 of %2 species not labelled for lack of room (their points give their names on hover):'
];

/**
 * Every message the kernel's worker shows, fetched from the page once when it starts: the plots' titles,
 * the size of the tables shown ("10 rows × 2 columns") and the engines' names under `%%sql` results.
 */
export const KERNEL_MESSAGES: readonly string[] = [
  ...PLOT_MESSAGES,
  '%1 row',
  '%1 rows',
  '%1 column',
  '%1 columns',
  'native DuckDB on the server',
  'native DuckDB',
  'DuckDB-WASM in this browser'
];

/** A chart of a table, with the columns the SQL workspace would pick for whatever is not given. */
function chart(
  kind: ChartKind,
  table: unknown,
  options: PlotOptions,
  trans: Messages
): VegaLiteSpec {
  const t = requireTable(table, `neo.plot.${kind}`);
  const suggested = suggestCharts(t).find(c => c.kind === kind)?.fields ?? {};
  const fields: ChartFields = {
    time: options.time ?? suggested.time,
    x: options.x ?? suggested.x,
    y: options.y ?? suggested.y,
    color: options.color ?? suggested.color
  };
  if (kind === 'line' && options.x && !options.time) {
    fields.time = options.x;
  }
  return forNotebook(chartSpec(t, kind, fields, trans), options);
}

function columnNames(t: Table): string[] {
  return t.schema.fields.map(f => f.name);
}

/** Bars: one category column and one value column (e.g. `SELECT site_id, count(*) AS n ...`). */
function bar(table: unknown, options: PlotOptions, trans: Messages): VegaLiteSpec {
  const t = requireTable(table, 'neo.plot.bar');
  const names = columnNames(t);
  const x = options.x ?? names[0];
  const y = options.y ?? names[1];
  if (!x || !y) {
    throw new Error(
      `neo.plot.bar needs a category and a value column; the table has ${names.join(', ') || 'none'}`
    );
  }
  const fields = [x, y, ...(options.color ? [options.color] : [])];
  return forNotebook(
    {
      title: trans.__('%1 by %2', y, x),
      data: { values: chartValues(t, fields) },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: x, type: 'nominal', title: x, sort: '-y' },
        y: { field: y, type: 'quantitative', title: y },
        ...(options.color ? { color: { field: options.color, type: 'nominal' } } : {})
      }
    },
    options
  );
}

/** What `omiAnalysis` returns that the OMI plot reads. */
interface OmiLike {
  li: DataTableLike;
  co: DataTableLike;
}

/**
 * Species positions (li) on the first two OMI axes, labelled, with the variables (co) as arrows; the axes at
 * equal scales. No label covers another: a species whose label finds no room (fifty taxa crowd near G) is
 * named under the title, its point giving its name on hover.
 */
function omi(result: unknown, options: PlotOptions, trans: Messages): VegaLiteSpec {
  const r = result as OmiLike;
  if (!r || !isDataTable(r.li) || !isDataTable(r.co) || r.li.nCols < 2) {
    throw new TypeError(
      'neo.plot.omi expects the result of neo.omi(...) with at least two axes (nf ≥ 2)'
    );
  }
  const species = Array.from({ length: r.li.nRows }, (_, i) => ({
    species: r.li.rowNames[i],
    axis1: r.li.values[i],
    axis2: r.li.values[r.li.nRows + i]
  }));
  const variables = Array.from({ length: r.co.nRows }, (_, i) => ({
    variable: r.co.rowNames[i],
    axis1: r.co.values[i],
    axis2: r.co.values[r.co.nRows + i],
    origin: 0
  }));
  const at = (p: { axis1: number; axis2: number }) => ({ x: p.axis1, y: p.axis2 });
  const frame = equalScaleFrame([...species, ...variables].map(at), {
    width: options.width ?? WIDTH,
    minHeight: options.height ?? HEIGHT,
    maxHeight: Math.max(options.height ?? HEIGHT, 600)
  });
  const scale = (domain: [number, number]) => ({ domain, nice: false, zero: false });
  const x = {
    field: 'axis1',
    type: 'quantitative',
    title: trans.__('OMI axis 1'),
    scale: scale(frame.x)
  };
  const y = {
    field: 'axis2',
    type: 'quantitative',
    title: trans.__('OMI axis 2'),
    scale: scale(frame.y)
  };
  // Variables first, then the species from the outside in: the crowded centre is placed last. Long names
  // of complexes are cut after a word, whole in the tooltips.
  const labels = labelOrdination(
    species.map(s => ({ ...at(s), species: s.species })),
    frame,
    {
      name: 'species',
      variables: variables.map(v => ({ ...at(v), text: v.variable })),
      variableFont: { mark: { color: '#c0392b' } },
      omittedLine: (omitted, of) =>
        trans.__(
          '%1 of %2 species not labelled for lack of room (their points give their names on hover):',
          omitted,
          of
        )
    }
  );
  const title =
    options.title ?? trans.__('OMI: species niche positions and environmental variables');
  return forNotebook(
    {
      title: labels.subtitle.length ? { text: title, subtitle: labels.subtitle } : title,
      layer: [
        {
          data: { values: variables },
          mark: { type: 'rule', color: '#c0392b' },
          encoding: {
            x: { field: 'origin', type: 'quantitative' },
            y: { field: 'origin', type: 'quantitative' },
            x2: { field: 'axis1' },
            y2: { field: 'axis2' }
          }
        },
        ...labels.variableLayers,
        {
          data: { values: species },
          mark: { type: 'point', filled: true, tooltip: true },
          encoding: { x, y }
        },
        ...labels.layers
      ]
    },
    // the title is set here, with its subtitle
    { ...options, title: undefined, width: frame.width, height: frame.height }
  );
}

/** `neo.plot`, its titles in the language of `trans` (a catalogue of `PLOT_MESSAGES` in the worker). */
export function createPlot(trans: Messages = englishMessages) {
  return {
    line: (table: unknown, options: PlotOptions = {}) => chart('line', table, options, trans),
    climatology: (table: unknown, options: PlotOptions = {}) =>
      chart('climatology', table, options, trans),
    scatter: (table: unknown, options: PlotOptions = {}) => chart('scatter', table, options, trans),
    bar: (table: unknown, options: PlotOptions = {}) => bar(table, options, trans),
    omi: (result: unknown, options: PlotOptions = {}) => omi(result, options, trans)
  };
}
