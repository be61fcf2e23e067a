/** Cells: magics, TypeScript stripped line for line, top-level declarations found. */
import { CellSyntaxError, compileCell, parseSqlCell } from '../src/cell';
import { fileReferences, pointAtTables } from '../src/sql-files';

test('%%sql cells, with and without a variable name', () => {
  expect(parseSqlCell('%%sql\nSELECT 1')).toEqual({ kind: 'sql', sql: 'SELECT 1', variable: null });
  expect(parseSqlCell('%%sql sites\nSELECT 1\nFROM t')).toEqual({
    kind: 'sql',
    sql: 'SELECT 1\nFROM t',
    variable: 'sites'
  });
  expect(parseSqlCell('const sql = 1')).toBeNull();
  expect(() => parseSqlCell('%%sql two words\nSELECT 1')).toThrow(
    '%%sql takes one variable name to keep the result in, found "two words"'
  );
});

test('top-level declarations of every kind are found, and lines stay where they were', () => {
  const source = [
    'const a = 1, { b, c: [d, ...e] } = f();',
    'let g;',
    'var h = 2;',
    'function i() { const local = 1; return local; }',
    'class J {}',
    'for (let k = 0; k < 2; k++) {}',
    'a + h'
  ].join('\n');
  const cell = compileCell(source);
  expect(cell.declared).toEqual(['a', 'b', 'd', 'e', 'g', 'h', 'i', 'J']);
  expect(cell.body.split('\n')).toHaveLength(source.split('\n').length + 1);
  expect(cell.body).toContain('return (a + h)');
  expect(cell.body).toContain(';( g = undefined)');
});

test('TypeScript types are stripped without moving a line', () => {
  const source = [
    'interface Site { id: string; n: number }',
    'type Id = string;',
    'const s: Site = { id: "x", n: 2 };',
    'const ids = [s].map((x: Site): Id => x.id);',
    'enum Kind { A, B }',
    's.n as number'
  ].join('\n');
  const cell = compileCell(source);
  expect(cell.declared).toEqual(['s', 'ids', 'Kind']);
  const lines = cell.body.split('\n');
  expect(lines[2]).toContain('s = { id: "x", n: 2 }');
  expect(lines[2]).not.toContain('Site');
  expect(lines[5]).toMatch(/return \(s\.n\s*\)/);
});

test('a syntax error says where it is in the cell', () => {
  const error = (() => {
    try {
      compileCell('const a = 1;\nconst b = (2;\n');
    } catch (e) {
      return e as CellSyntaxError;
    }
    throw new Error('no error');
  })();
  expect(error).toBeInstanceOf(CellSyntaxError);
  expect(error.line).toBe(2);
  expect(error.column).toBe(13);
  expect(() => compileCell("import x from 'y';")).toThrow(
    /import and export statements are not available in a notebook cell/
  );
});

test('files named in FROM and JOIN are found, not those in other strings or comments', () => {
  const sql = [
    "SELECT *, 'a.csv' AS label FROM 'shared/x.parquet' p",
    '-- FROM "old.csv"',
    'JOIN "my data/y.csv" USING (id) WHERE name = \'z.arrow\''
  ].join('\n');
  const refs = fileReferences(sql);
  expect(refs.map(r => r.path)).toEqual(['shared/x.parquet', 'my data/y.csv']);
  expect(pointAtTables(sql, refs, ['shared/x.parquet', 'notebooks/my data/y.csv'])).toBe(
    [
      'SELECT *, \'a.csv\' AS label FROM "shared/x.parquet" p',
      '-- FROM "old.csv"',
      'JOIN "notebooks/my data/y.csv" USING (id) WHERE name = \'z.arrow\''
    ].join('\n')
  );
});
