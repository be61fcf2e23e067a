import { DataModel } from '@lumino/datagrid';
import { formatArrowValue } from '@odatis-vre/query';
import { Table, Vector } from 'apache-arrow';

/** How a cell is shown: as CSV exports write it (one formatting, in @odatis-vre/query). */
export { formatArrowValue };

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
