/**
 * A number that summarises an Arrow table (row count plus every numeric value), to check that engines
 * answered the same. Used in node (native results) and in the benchmark page (DuckDB-WASM results).
 */
function checksum(table) {
  let sum = table.numRows;
  for (const field of table.schema.fields) {
    if (!/Float|Int|Decimal/.test(String(field.type))) continue;
    const column = table.getChild(field.name);
    for (let i = 0; i < table.numRows; i++) {
      const v = column.get(i);
      if (v !== null) sum += Number(v);
    }
  }
  return sum;
}

module.exports = { checksum };
