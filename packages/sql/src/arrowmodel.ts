import { DataModel } from '@lumino/datagrid';
import { DataType, Table, Type, Vector } from 'apache-arrow';

/** How a cell of a given Arrow type is shown in the grid. */
export function formatArrowValue(value: unknown, type: DataType): string {
  if (value === null || value === undefined) {
    return '';
  }
  switch (type.typeId) {
    case Type.Timestamp:
    case Type.Date: {
      const ms = typeof value === 'bigint' ? Number(value) : (value as number);
      const iso = new Date(ms).toISOString();
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
    }
    case Type.Float:
      return Number.isInteger(value) ? `${value}` : `${+(value as number).toPrecision(12)}`;
    default:
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Uint8Array) return `<${value.length} bytes>`;
      if (typeof value === 'object')
        return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
      return String(value);
  }
}

/**
 * A data-grid model reading cells straight from an Arrow table's column vectors: no row objects
 * are built, so a million-row result costs only what the grid shows on screen.
 */
export class ArrowDataModel extends DataModel {
  constructor(table: Table) {
    super();
    this.table = table;
    this.columns = table.schema.fields.map((_, i) => table.getChildAt(i) as Vector);
  }

  readonly table: Table;

  rowCount(region: DataModel.RowRegion): number {
    return region === 'body' ? this.table.numRows : 1;
  }

  columnCount(region: DataModel.ColumnRegion): number {
    return region === 'body' ? this.columns.length : 1;
  }

  data(region: DataModel.CellRegion, row: number, column: number): string {
    const fields = this.table.schema.fields;
    switch (region) {
      case 'column-header':
        return fields[column].name;
      case 'row-header':
        return `${row + 1}`;
      case 'corner-header':
        return '';
      default:
        return formatArrowValue(this.columns[column].get(row), fields[column].type);
    }
  }

  private readonly columns: Vector[];
}
