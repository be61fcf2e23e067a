/**
 * The NEO kernel core on real services: DuckDB-WASM in a worker thread (the browser's engine path), the
 * Gravelines files of the shared sample data converted into the harmonised layout by @odatis-vre/sno, the
 * real niche library. Outputs are checked as the notebook would receive them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Table } from 'apache-arrow';
import { environmentalPca, nicheParameters, omiAnalysis, pivotHarmonised } from '@odatis-vre/niche';
import type { QueryEngine } from '@odatis-vre/query';
import { createWasmWorkerEngine } from '@odatis-vre/query/lib/node';
import type { Catalog } from '@odatis-vre/harmonised';
import { convertFiles } from '@odatis-vre/sno/node';
import { HarmonisedDataset, QueryableFiles } from '@odatis-vre/services';
import { NeoKernelCore } from '../src/core';
import { VEGALITE_MIME } from '../src/display';
import { SessionHost } from '../src/host';
import type { ExecuteOutcome, KernelOutput } from '../src/protocol';

const GRAVELINES = path.resolve(__dirname, '../../../../shared/data/gravelines');
const SITE = 'gravelines-canal-amenee';
/** The pivot's quantities, explicit: phytoplankton cells per litre, four variables. */
const PIVOT = {
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  environment: ['TEMP', 'PSAL', 'NH4', 'CHLA']
};

let root: string;
let engine: QueryEngine;
let host: SessionHost;
let core: NeoKernelCore;
let catalog: Catalog;
let outputs: KernelOutput[] = [];
let count = 0;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-kernel-'));
  await convertFiles(
    fs.readdirSync(GRAVELINES).map(f => path.join(GRAVELINES, f)),
    path.join(root, 'shared', 'harmonised')
  );
  catalog = JSON.parse(fs.readFileSync(path.join(root, 'shared/harmonised/catalog.json'), 'utf8'));
  fs.mkdirSync(path.join(root, 'data'));
  fs.writeFileSync(
    path.join(root, 'data', 'stations.csv'),
    'station,depth\nSTA1,5\nSTA2,12.5\nSTA3,20\n'
  );
  fs.mkdirSync(path.join(root, 'notebooks'));
  engine = createWasmWorkerEngine();
  const harmonised = new HarmonisedDataset({
    engine,
    path: 'shared/harmonised',
    readText: p => fs.promises.readFile(path.join(root, p), 'utf8'),
    locate: p => path.join(root, p)
  });
  const modified = (p: string) => {
    const full = path.join(root, p);
    return fs.existsSync(full) && fs.statSync(full).isFile()
      ? fs.statSync(full).mtime.toISOString()
      : null;
  };
  const files = new QueryableFiles({
    engine,
    read: async p => ({
      bytes: new Uint8Array(fs.readFileSync(path.join(root, p))),
      lastModified: modified(p)!
    }),
    lastModified: async p => modified(p)
  });
  host = new SessionHost({
    engine,
    harmonised,
    files,
    location: 'notebooks',
    exists: async p => modified(p) !== null
  });
  core = new NeoKernelCore({ host, engine: host.engine(), emit: output => outputs.push(output) });
}, 180_000);

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  outputs = [];
});

async function run(code: string): Promise<ExecuteOutcome> {
  return core.execute(code, ++count);
}

/** Run a cell that must succeed; its result's MIME bundle. */
async function ok(code: string): Promise<Record<string, unknown>> {
  const outcome = await run(code);
  if (outcome.status !== 'ok') {
    throw new Error(
      `cell failed: ${outcome.ename}: ${outcome.evalue}\n${outcome.traceback.join('\n')}`
    );
  }
  return outcome.result?.data ?? {};
}

async function fails(code: string): Promise<Extract<ExecuteOutcome, { status: 'error' }>> {
  const outcome = await run(code);
  if (outcome.status !== 'error') {
    throw new Error(`cell should have failed: ${JSON.stringify(outcome.result)}`);
  }
  return outcome;
}

test('%%sql over the harmonised dataset shows a table with its row count and column types', async () => {
  const data = await ok(
    '%%sql\nSELECT site_id, count(*) AS n FROM harmonised GROUP BY 1 ORDER BY 1'
  );
  const rows = catalog.sites.find(s => s.siteId === SITE)!.rowCount;
  // The footer says how the query ran: its time, and which engine answered.
  const text = (data['text/plain'] as string).split('\n');
  expect(text.slice(0, -1)).toEqual([
    'site_id                  n',
    'text                     bigint',
    '───────────────────────  ──────',
    `${SITE}  ${rows}`,
    '1 row × 2 columns'
  ]);
  expect(text.at(-1)).toMatch(
    /^\d+ ms · DuckDB-WASM in this browser$|^\d+\.\d s · DuckDB-WASM in this browser$/
  );
  const html = data['text/html'] as string;
  expect(html).toContain('<th>site_id</th><th>n</th>');
  expect(html).toContain('<th><small>text</small></th><th><small>bigint</small></th>');
  expect(html).toContain(`<td>${SITE}</td><td>${rows}</td>`);
  expect(html).toContain('<p class="neo-shape">1 row × 2 columns</p>');
  expect(html).toContain(`<p class="neo-query">${text.at(-1)}</p>`);
  // neo.engine names the same engine; a table from JavaScript has no query footer.
  expect((await ok('neo.engine'))['text/plain']).toBe(
    '{ kind: "duckdb-wasm-worker", label: "DuckDB-WASM in this browser" }'
  );
  expect((await ok('await neo.sql("SELECT 1 AS one")'))['text/html']).not.toContain('neo-query');
});

test('%%sql name keeps the result as an Arrow table; a long result shows its head and tail', async () => {
  const data = await ok(
    "%%sql temps\nSELECT time, value FROM harmonised WHERE parameter = 'TEMP' ORDER BY time"
  );
  const temp = catalog.parameters.find(p => p.parameter === 'TEMP')!.rowCount;
  const html = data['text/html'] as string;
  expect((html.match(/<tr>/g) ?? []).length).toBe(1 + 10 + 5);
  expect(html).toContain('<tr class="neo-gap"><td colspan="2">⋮</td></tr>');
  expect(html).toContain(`${temp.toLocaleString('en-US')} rows × 2 columns`);
  const back = await ok('[temps.numRows, temps.schema.fields.map(f => f.name).join()]');
  expect(back['text/plain']).toBe(`[ ${temp}, "time,value" ]`);
});

test('JavaScript and TypeScript cells share variables, functions and classes, with top-level await', async () => {
  await ok(
    'const t = await neo.sql("SELECT 42 AS x");\nlet doubled = Number(t.getChild("x").get(0)) * 2;'
  );
  expect((await ok('doubled'))['text/plain']).toBe('84');
  await ok(
    [
      'interface Site { id: string; lat: number }',
      'function north(s: Site): boolean { return s.lat > 45; }',
      'class Station { constructor(readonly id: string) {} }',
      'const sites: Site[] = [{ id: "a", lat: 51 }, { id: "b", lat: 43 }];'
    ].join('\n')
  );
  expect((await ok('sites.filter(north).map(s => new Station(s.id).id)'))['text/plain']).toBe(
    '[ "a" ]'
  );
  // As in a REPL, a name may be declared again.
  await ok('const doubled = "again";');
  expect((await ok('doubled'))['text/plain']).toBe('again');
  // A promise as the cell's value shows what it resolves to.
  expect((await ok('Promise.resolve(7)'))['text/plain']).toBe('7');
});

test('console, display and MIME bundles', async () => {
  const data = await ok(
    [
      'console.log("rows:", 3, { a: [1, 2] });',
      'console.error("careful");',
      'display({ "text/html": "<b>bold</b>", "text/plain": "bold" });',
      'display(await neo.sql("SELECT 1 AS one"));',
      'undefined'
    ].join('\n')
  );
  expect(data).toEqual({});
  expect(outputs).toEqual([
    { type: 'stream', name: 'stdout', text: 'rows: 3 { a: [ 1, 2 ] }\n' },
    { type: 'stream', name: 'stderr', text: 'careful\n' },
    {
      type: 'display_data',
      data: { 'text/html': '<b>bold</b>', 'text/plain': 'bold' },
      metadata: {}
    },
    expect.objectContaining({
      type: 'display_data',
      data: expect.objectContaining({ 'text/plain': expect.stringContaining('1 row × 1 column') })
    })
  ]);
});

test('errors name the cell line, with DuckDB or JavaScript messages', async () => {
  const js = await fails('const a = 1;\nconst b = null;\nb.length');
  expect(js.ename).toBe('TypeError');
  expect(js.evalue).toMatch(/Cannot read properties of null/);
  expect(js.traceback.slice(1)).toEqual([
    `  line 3 of cell [${count}]:`,
    '    b.length',
    '      ^'
  ]);

  // An error thrown in a function of an earlier cell points at both cells.
  await ok(
    'function check(x) {\n  if (x < 0) throw new RangeError("negative: " + x);\n  return x;\n}'
  );
  const definedIn = count;
  const nested = await fails('check(1);\ncheck(-2)');
  expect(nested.ename).toBe('RangeError');
  expect(nested.traceback.slice(1)).toEqual([
    `  line 2 of cell [${definedIn}]:`,
    '      if (x < 0) throw new RangeError("negative: " + x);',
    '                       ^',
    `  called from line 2 of cell [${count}]:`,
    '    check(-2)',
    '    ^'
  ]);

  const ts = await fails('const n: number = 1;\nconst m = (n +;');
  expect(ts.ename).toBe('SyntaxError');
  expect(ts.traceback.slice(1)).toEqual([
    `  line 2 of cell [${count}]:`,
    '    const m = (n +;',
    '                  ^'
  ]);

  const sql = await fails('%%sql\nSELECT site_id\nFROM harmonised\nWHER 1');
  expect(sql.ename).toBe('QueryError');
  expect(sql.evalue).toMatch(/Parser Error: syntax error at or near "1"/);
  expect(sql.evalue).toContain('LINE 4: WHER 1');

  // DuckDB's whole text, and the line of the cell that called neo.sql.
  const fromJs = await fails('const n = 1;\nawait neo.sql("SELECT nope FROM harmonised")');
  expect(fromJs.ename).toBe('QueryError');
  expect(fromJs.evalue).toMatch(
    /^Binder Error: Referenced column "nope" not found in FROM clause!/
  );
  expect(fromJs.evalue).toContain('LINE 1: SELECT nope FROM harmonised');
  expect(fromJs.traceback[0]).toContain(fromJs.evalue);
  expect(fromJs.traceback.slice(1, 3)).toEqual([
    `  line 2 of cell [${count}]:`,
    '    await neo.sql("SELECT nope FROM harmonised")'
  ]);

  const missing = await fails("%%sql\nSELECT * FROM 'nowhere.parquet'");
  expect(missing.evalue).toBe(
    'There is no file nowhere.parquet: neither notebooks/nowhere.parquet (beside the notebook) nor nowhere.parquet (from the root) exists'
  );
});

test('files are queried by path: in %%sql, with neo.table, beside the notebook or from the root', async () => {
  const data = await ok(
    "%%sql\nSELECT count(*) AS n, sum(depth) AS total FROM 'data/stations.csv'"
  );
  expect(data['text/plain']).toMatch(/^3\s+37\.5$/m);
  fs.writeFileSync(path.join(root, 'notebooks', 'local.csv'), 'x\n1\n2\n');
  const local = await ok('const local = await neo.table("local.csv");\nlocal.numRows');
  expect(local['text/plain']).toBe('2');
  const tables = await ok('(await neo.tables()).map(t => t.name).sort()');
  expect(tables['text/plain']).toBe('[ "data/stations.csv", "harmonised", "notebooks/local.csv" ]');
});

test('an OMI on a small pivot gives the numbers of @odatis-vre/niche', async () => {
  const query =
    `SELECT * FROM harmonised WHERE site_id = '${SITE}' AND (parameter IN ('TEMP', 'PSAL', 'NH4', 'CHLA') ` +
    "OR taxon IN ('Guinardia delicatula', 'Paralia sulcata', 'Chaetoceros', 'Cryptophyceae'))";
  const data = await ok(
    [
      `const long = await neo.sql(\`${query}\`);`,
      `const pivot = neo.pivot(long, ${JSON.stringify(PIVOT)});`,
      'const omi = neo.omi(pivot);',
      'neo.nicheParams(omi)'
    ].join('\n')
  );
  const { table } = await engine.query(query);
  const pivot = pivotHarmonised(table as Table, PIVOT);
  const omi = omiAnalysis(environmentalPca(pivot.environment, { nf: 4 }), pivot.abundance);
  const params = nicheParameters(omi);
  const kernelOmi = (await ok('Array.from(neo.nicheParams(omi).omi)'))['text/plain'];
  expect(kernelOmi).toBe(`[ ${Array.from(params.omi).join(', ')} ]`);
  const html = data['text/html'] as string;
  expect(html).toContain('<th>species</th><th>inertia</th><th>omi</th><th>tol</th><th>rtol</th>');
  expect(html).toContain(
    `<td>${params.species[0]}</td><td>${Number(params.inertia[0].toPrecision(7))}</td>`
  );
  expect(html).toContain('4 rows × 8 columns');
  const plot = await ok('neo.plot.omi(omi)');
  const spec = plot[VEGALITE_MIME] as {
    layer: { mark: { type: string }; data: { values: { species?: string }[] } }[];
  };
  // the species' points, one a species
  const points = spec.layer.find(l => l.mark.type === 'point')!;
  expect(points.data.values.map(v => v.species)).toEqual([...params.species]);
});

test('niche input errors show the details they carry (table, column, expected, found) and the cell line', async () => {
  const pivot = await fails(
    'const few = await neo.sql("SELECT site_id FROM harmonised LIMIT 3");\n' +
      'neo.pivot(few, { abundance: { parameter: "cell_abundance", unit: "cells/L" }, environment: ["TEMP"] })'
  );
  expect(pivot.ename).toBe('NicheInputError');
  expect(pivot.evalue).toMatch(
    /^harmonised table has no column "(\w+)" \(expected site_id, [\w, ]+, found site_id\)$/
  );
  expect(pivot.traceback[0]).toContain(pivot.evalue);
  expect(pivot.traceback[1]).toBe(`  line 2 of cell [${count}]:`);

  const missing = await fails(
    'neo.pca({ nRows: 2, nCols: 2, values: new Float64Array([1, 2, 3, NaN]), rowNames: ["s1", "s2"], colNames: ["TEMP", "PSAL"] })'
  );
  expect(missing.ename).toBe('NicheInputError');
  expect(missing.evalue).toMatch(
    /row "s2" \(2\), column "PSAL" is NaN; remove or impute missing values .*\(expected a finite number, found NaN\)$/
  );
});

test('neo.pivot takes its quantities explicitly; when they are missing or ambiguous it lists what is there', async () => {
  await ok(
    `const gravelines = await neo.sql("SELECT * FROM harmonised WHERE site_id = '${SITE}'");`
  );
  const { table: counted } = await engine.query(
    `SELECT count(*)::INTEGER AS n FROM harmonised WHERE site_id = '${SITE}' AND taxon IS NOT NULL`
  );
  const taxonRows = Number(counted.getChild('n')!.get(0));
  const none = await fails('neo.pivot(gravelines, { environment: ["TEMP"] })');
  expect(none.ename).toBe('NicheInputError');
  expect(none.evalue).toBe(
    "pivotHarmonised: abundance needs a parameter code (say what is counted per taxon, e.g. { parameter: 'cell_abundance', unit: 'cells/L' }; " +
      `the table's rows with a taxon hold cell_abundance [cells/L] (${taxonRows} rows)) ` +
      "(expected { parameter: 'cell_abundance', unit: 'cells/L' } (the parameter counted per taxon), found nothing)"
  );
  // Turbidity is published in two units at Gravelines: never averaged together.
  const turbidity = await fails(
    'neo.pivot(gravelines, { abundance: { parameter: "cell_abundance", unit: "cells/L" }, environment: ["TEMP", "TURB"] })'
  );
  expect(turbidity.evalue).toMatch(
    /^parameter "TURB" has values in 2 units: (NTU \(\d+ rows\), FNU \(\d+ rows\)|FNU \(\d+ rows\), NTU \(\d+ rows\)); choose one with \{ parameter: 'TURB', unit: '(NTU|FNU)' \}/
  );
  const chosen = await ok(
    [
      'const p = neo.pivot(gravelines, {',
      '  abundance: { parameter: "cell_abundance", unit: "cells/L" },',
      '  environment: ["TEMP", { parameter: "TURB", unit: "NTU" }],',
      '  keepSamplesWithoutTaxa: true',
      '});',
      'JSON.stringify(p.units)'
    ].join('\n')
  );
  expect(chosen['text/plain']).toBe('{"abundance":"cells/L","environment":["degC","NTU"]}');
});

test('neo.plot specs are drawn by the Vega-Lite renderer, with JSON-safe data', async () => {
  const data = await ok(
    '%%sql counts\nSELECT parameter, count(*) AS n FROM harmonised WHERE taxon IS NULL GROUP BY 1 ORDER BY 2 DESC'
  );
  expect(data['text/plain']).toContain('TEMP');
  const chart = await ok('neo.plot.bar(counts)');
  const spec = chart[VEGALITE_MIME] as {
    $schema: string;
    mark: { type: string };
    data: { values: { parameter: string; n: number }[] };
  };
  expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
  expect(spec.mark.type).toBe('bar');
  const temp = catalog.parameters.find(p => p.parameter === 'TEMP')!.rowCount;
  expect(spec.data.values).toContainEqual({ parameter: 'TEMP', n: temp });
  expect(chart['text/plain']).toBe('<Vega-Lite chart: n by parameter>');
  // a title with a subtitle (the niche positions' list of taxa left unlabelled) is named by its text
  const titled = await ok(
    "const titled = neo.plot.bar(counts);\ntitled.title = { text: 'Counts', subtitle: ['by parameter'] };\ntitled"
  );
  expect(titled['text/plain']).toBe('<Vega-Lite chart: Counts>');
  const line = await ok(
    'neo.plot.line(await neo.sql("SELECT time, value FROM harmonised WHERE parameter = \'TEMP\'"))'
  );
  const lineSpec = line[VEGALITE_MIME] as { encoding: { x: { field: string; type: string } } };
  expect(lineSpec.encoding.x).toMatchObject({ field: 'time', type: 'temporal' });
  const wrong = await fails('neo.plot.bar([1, 2])');
  expect(wrong.evalue).toBe(
    'neo.plot.bar expects an Arrow table (a %%sql result or neo.sql(...)), found an array'
  );
});

test('completion of neo.*, of variables, and of SQL tables and columns', async () => {
  const neo = await core.complete('neo.pl', 6);
  expect(neo).toMatchObject({ matches: ['plot'], cursor_start: 4, cursor_end: 6 });
  const plot = await core.complete('neo.plot.', 9);
  expect(plot.matches).toEqual(['bar', 'climatology', 'line', 'omi', 'scatter']);
  await ok('const salinity = 35;');
  expect((await core.complete('sal', 3)).matches).toContain('salinity');
  const sql = '%%sql\nSELECT * FROM harm';
  expect(await core.complete(sql, sql.length)).toMatchObject({
    matches: ['harmonised'],
    cursor_start: sql.length - 4
  });
  const column = '%%sql\nSELECT harmonised.site';
  expect((await core.complete(column, column.length)).matches).toEqual([
    'site_id',
    'site_name',
    'site'
  ]);
});

test('inspection shows the documentation of neo members and what a variable holds', async () => {
  const code = 'neo.sql("SELECT 1")';
  const doc = await core.inspect(code, 5);
  expect(doc.found).toBe(true);
  expect(doc.data['text/markdown']).toMatch(
    /^```ts\nneo\.sql\(query: string\): Promise<Table>\n```/
  );
  await ok("%%sql small\nSELECT 1 AS a, 'x' AS b");
  const variable = await core.inspect('small', 2);
  expect(variable.data['text/plain']).toBe('small: Arrow table, 1 rows\n  a: Int32\n  b: Utf8');
  expect((await core.inspect('nothingHere', 3)).found).toBe(false);
  expect(await core.isComplete('function f() {')).toEqual({ status: 'incomplete', indent: '  ' });
  expect(await core.isComplete('%%sql\nSELECT')).toEqual({ status: 'complete' });
});

test('interrupt stops a waiting cell and a long query; variables survive', async () => {
  await ok('const kept = "still here";');
  const waiting = run(
    'let timer;\nawait new Promise(resolve => { timer = setTimeout(resolve, 60_000); });\n"never"'
  );
  setTimeout(() => core.interrupt(), 300);
  const stopped = await waiting;
  expect(stopped).toMatchObject({
    status: 'error',
    ename: 'KeyboardInterrupt',
    evalue: 'the cell was interrupted'
  });

  const query = run(
    '%%sql\nSELECT sum(a.range * b.range) FROM range(200000) a CROSS JOIN range(200000) b'
  );
  setTimeout(() => {
    host.cancel();
    core.interrupt();
  }, 1000);
  expect(await query).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  expect((await ok('clearTimeout(timer);\nkept'))['text/plain']).toBe('still here');
  // The engine is usable at once.
  expect((await ok('%%sql\nSELECT 40 + 2 AS answer'))['text/plain']).toContain('42');
});

test('neo.dataset gives the catalogue of the shared data, or of a dataset by folder with its Arrow file', async () => {
  const shared = await ok(
    'const shared = await neo.dataset();\n[shared.folder, shared.source, shared.catalog.datasets.length]'
  );
  expect(shared['text/plain']).toBe(
    `[ "shared/harmonised", "harmonised", ${catalog.datasets.length} ]`
  );
  fs.cpSync(path.join(root, 'shared', 'harmonised'), path.join(root, 'data', 'copy'), {
    recursive: true
  });
  const copy = await ok(
    "const copy = await neo.dataset('data/copy');\n" +
      'const count = async (from) => Number((await neo.sql(`SELECT count(*) AS n FROM ${from}`)).get(0).n);\n' +
      "const a = await count(`'${copy.source}'`);\n" +
      'const b = await count(shared.source);\n' +
      '[copy.folder, copy.source, copy.catalog.sites.map(s => s.siteId), a === b && a > 0]'
  );
  expect(copy['text/plain']).toBe(
    `[ "data/copy", "data/copy/${catalog.arrowFile}", [ "${SITE}" ], true ]`
  );
  const missing = await fails("await neo.dataset('data/nowhere')");
  expect(missing.evalue).toMatch(/There is no file data\/nowhere\/catalog\.json/);
});
