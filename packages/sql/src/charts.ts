import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { DataType, Table, Type } from 'apache-arrow';

/** The charts the SQL workspace draws of a result. */
export type ChartKind = 'line' | 'climatology' | 'scatter';

/** Which result columns a chart uses. */
export interface ChartFields {
  /** Time column (line, climatology). */
  time?: string;
  /** Numeric columns: the value (line, climatology), or x and y (scatter). */
  x?: string;
  y?: string;
  /** Optional categorical column drawn as colour (line, scatter), e.g. site or parameter. */
  color?: string;
}

/** A Vega-Lite specification, kept as plain JSON so it can be viewed and copied. */
export type VegaLiteSpec = Record<string, unknown>;

/** At most this many rows go into a chart (charts are views; the grid shows every row). */
export const CHART_ROW_LIMIT = 50_000;

const isTime = (t: DataType) => t.typeId === Type.Timestamp || t.typeId === Type.Date;
const isNumber = (t: DataType) =>
  t.typeId === Type.Float || t.typeId === Type.Int || t.typeId === Type.Decimal;
const isText = (t: DataType) =>
  t.typeId === Type.Utf8 || t.typeId === Type.Dictionary || t.typeId === Type.LargeUtf8;

/** The charts a result supports, with the columns each would use by default. */
export function suggestCharts(table: Table): { kind: ChartKind; fields: ChartFields }[] {
  const fields = table.schema.fields;
  const time = fields.find(f => isTime(f.type))?.name;
  const numbers = fields.filter(f => isNumber(f.type)).map(f => f.name);
  const value = numbers.includes('value') ? 'value' : numbers[numbers.length - 1];
  const color = fields.find(
    f => isText(f.type) && ['site_id', 'site_name', 'parameter', 'taxon', 'sno'].includes(f.name)
  )?.name;
  const charts: { kind: ChartKind; fields: ChartFields }[] = [];
  if (time && value) {
    charts.push({ kind: 'line', fields: { time, y: value, color } });
    charts.push({ kind: 'climatology', fields: { time, y: value } });
  }
  if (numbers.length >= 2) {
    const [x, y] = numbers
      .filter(n => n !== 'value')
      .concat('value')
      .filter(n => numbers.includes(n));
    charts.push({ kind: 'scatter', fields: { x, y: y ?? numbers[1], color } });
  }
  return charts;
}

/** Rows of the columns a chart needs, as the plain values Vega-Lite reads (time as ISO text). */
export function chartValues(
  table: Table,
  columns: string[],
  limit = CHART_ROW_LIMIT
): Record<string, unknown>[] {
  const vectors = columns.map(name => {
    const vector = table.getChild(name);
    if (!vector) {
      throw new Error(
        `The result has no column "${name}" (columns: ${table.schema.fields.map(f => f.name).join(', ')})`
      );
    }
    return { name, vector, time: isTime(vector.type) };
  });
  const n = Math.min(table.numRows, limit);
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (const { name, vector, time } of vectors) {
      const v = vector.get(i);
      row[name] =
        v === null
          ? null
          : time
            ? new Date(Number(v)).toISOString()
            : typeof v === 'bigint'
              ? Number(v)
              : v;
    }
    rows[i] = row;
  }
  return rows;
}

/**
 * The msgids `chartSpec` gives `trans`, for a caller that must fetch their translations beforehand (the NEO
 * kernel's worker, see @odatis-vre/kernel's plot.ts; its test checks this list against what is asked).
 */
export const CHART_MESSAGES: readonly string[] = [
  '%1 over time',
  'Climatology of %1: monthly mean by year',
  'year',
  'month',
  'mean %1',
  '%1 against %2',
  'A %1 chart needs a %2 column and a %3 column; the result has neither of the right type',
  'A %1 chart needs a %2 column; the result has none of the right type'
];

/** The Vega-Lite specification of a chart of a result; its titles in the language of `trans`. */
export function chartSpec(
  table: Table,
  kind: ChartKind,
  fields: ChartFields,
  trans: Messages = englishMessages
): VegaLiteSpec {
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 320
  };
  const used = (names: (string | undefined)[]) => names.filter((n): n is string => Boolean(n));
  switch (kind) {
    case 'line': {
      const { time, y, color } = need(fields, ['time', 'y'], kind, trans);
      return {
        ...base,
        title: trans.__('%1 over time', y),
        data: { values: chartValues(table, used([time, y, color])) },
        mark: { type: 'line', point: table.numRows <= 500, tooltip: true },
        encoding: {
          x: { field: time, type: 'temporal', title: time },
          y: { field: y, type: 'quantitative', title: y },
          ...(color ? { color: { field: color, type: 'nominal', title: color } } : {})
        }
      };
    }
    case 'climatology': {
      const { time, y } = need(fields, ['time', 'y'], kind, trans);
      return {
        ...base,
        title: trans.__('Climatology of %1: monthly mean by year', y),
        data: { values: chartValues(table, [time!, y!]) },
        mark: { type: 'rect', tooltip: true },
        encoding: {
          x: { timeUnit: 'year', field: time, type: 'ordinal', title: trans.__('year') },
          y: { timeUnit: 'month', field: time, type: 'ordinal', title: trans.__('month') },
          color: {
            aggregate: 'mean',
            field: y,
            type: 'quantitative',
            title: trans.__('mean %1', y),
            scale: { scheme: 'viridis' }
          }
        }
      };
    }
    case 'scatter': {
      const { x, y, color } = need(fields, ['x', 'y'], kind, trans);
      return {
        ...base,
        title: trans.__('%1 against %2', y, x),
        data: { values: chartValues(table, used([x, y, color])) },
        mark: { type: 'point', tooltip: true, opacity: 0.6 },
        encoding: {
          x: { field: x, type: 'quantitative', title: x, scale: { zero: false } },
          y: { field: y, type: 'quantitative', title: y, scale: { zero: false } },
          ...(color ? { color: { field: color, type: 'nominal', title: color } } : {})
        }
      };
    }
  }
}

function need(
  fields: ChartFields,
  keys: readonly [keyof ChartFields, keyof ChartFields],
  kind: ChartKind,
  trans: Messages
): ChartFields {
  // One whole sentence per count of missing columns (translators cannot translate a joined fragment).
  const [first, second] = keys.filter(k => !fields[k]);
  if (second) {
    throw new Error(
      trans.__(
        'A %1 chart needs a %2 column and a %3 column; the result has neither of the right type',
        kind,
        first,
        second
      )
    );
  }
  if (first) {
    throw new Error(
      trans.__('A %1 chart needs a %2 column; the result has none of the right type', kind, first)
    );
  }
  return fields;
}
