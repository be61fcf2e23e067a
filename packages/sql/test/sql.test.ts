import {
  Dictionary,
  Float64,
  Int32,
  makeVector,
  Table,
  tableFromIPC,
  TimestampMillisecond,
  Utf8,
  vectorFromArray
} from 'apache-arrow';
import { catalogueMessages } from '@odatis-vre/harmonised';
import { encodeResult } from '@odatis-vre/query';
import Papa from 'papaparse';
import { addToHistory, HISTORY_LIMIT } from '../src/history';
import { exportPathProblem, freePath, reserveFreePath, tableNameForFile } from '../src/names';
import { CHUNK_BYTES, ChunkedSave, partialPath, ReplacingSave } from '../src/save';
import { ArrowDataModel, formatArrowValue } from '../src/arrowmodel';
import { chartSpec, chartValues, suggestCharts } from '../src/charts';
// The workspace widget itself (JupyterLab, ES modules) is tested in the browser: test/browser/sql.spec.ts.

const DAY = 86_400_000;

/** A small result in the harmonised long format: two sites, temperature over four dates. */
function harmonisedResult(): Table {
  const times = [
    Date.UTC(1997, 0, 15),
    Date.UTC(1997, 6, 15, 10, 30),
    Date.UTC(1998, 0, 15),
    Date.UTC(1998, 6, 15)
  ];
  return new Table({
    site_id: vectorFromArray(
      ['wimereux', 'wimereux', 'arcachon', 'arcachon'],
      new Dictionary(new Utf8(), new Int32())
    ),
    time: vectorFromArray(times, new TimestampMillisecond()),
    parameter: vectorFromArray(
      ['TEMP', 'TEMP', 'TEMP', 'TEMP'],
      new Dictionary(new Utf8(), new Int32())
    ),
    value: vectorFromArray([8.25, 17.5, null, 22.125], new Float64()),
    depth: vectorFromArray([1, 1, 2.5, 2.5], new Float64()),
    note: vectorFromArray(['plain', 'with, comma', 'with "quotes"', 'two\nlines'], new Utf8())
  });
}

describe('ArrowDataModel', () => {
  it('shows headers, row numbers and formatted cells read from the column vectors', () => {
    const model = new ArrowDataModel(harmonisedResult());
    expect(model.rowCount('body')).toBe(4);
    expect(model.columnCount('body')).toBe(6);
    expect(model.rowCount('column-header')).toBe(1);
    expect([0, 1, 2, 3, 4, 5].map(c => model.data('column-header', 0, c))).toEqual([
      'site_id',
      'time',
      'parameter',
      'value',
      'depth',
      'note'
    ]);
    expect(model.data('row-header', 2, 0)).toBe('3');
    expect(model.data('body', 0, 0)).toBe('wimereux');
    expect(model.data('body', 0, 1)).toBe('1997-01-15');
    expect(model.data('body', 1, 1)).toBe('1997-07-15T10:30:00Z');
    expect(model.data('body', 1, 3)).toBe('17.5');
    expect(model.data('body', 2, 3)).toBe('');
    expect(model.data('body', 3, 4)).toBe('2.5');
  });

  it('serves any cell of a million-row result without materialising rows', () => {
    const n = 1_000_000;
    const values = new Float64Array(n).map((_, i) => i / 4);
    const time = new Float64Array(n).map((_, i) => Date.UTC(1990, 0, 1) + i * DAY);
    const table = new Table({
      value: makeVector(values),
      time: vectorFromArray(Array.from(time), new TimestampMillisecond())
    });
    const model = new ArrowDataModel(table);
    expect(model.rowCount('body')).toBe(n);
    for (const row of [0, 1, 123_457, n - 1]) {
      expect(model.data('body', row, 0)).toBe(formatArrowValue(row / 4, new Float64()));
      expect(model.data('body', row, 1)).toBe(
        new Date(Date.UTC(1990, 0, 1) + row * DAY).toISOString().slice(0, 10)
      );
    }
  });
});

describe('exported files (made by @odatis-vre/query, as the grid shows the cells)', () => {
  const bytesOf = async (format: 'csv' | 'arrow', table: Table) => {
    const chunks: Uint8Array[] = [];
    const batches = (async function* () {
      yield* table.batches;
    })();
    for await (const chunk of encodeResult(format, { schema: table.schema, batches })) {
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks));
  };

  it('writes RFC 4180 CSV that parses back to the same cells', async () => {
    const csv = new TextDecoder().decode(await bytesOf('csv', harmonisedResult()));
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data;
    expect(parsed[0]).toEqual(['site_id', 'time', 'parameter', 'value', 'depth', 'note']);
    expect(parsed.slice(1)).toEqual([
      ['wimereux', '1997-01-15', 'TEMP', '8.25', '1', 'plain'],
      ['wimereux', '1997-07-15T10:30:00Z', 'TEMP', '17.5', '1', 'with, comma'],
      ['arcachon', '1998-01-15', 'TEMP', '', '2.5', 'with "quotes"'],
      ['arcachon', '1998-07-15', 'TEMP', '22.125', '2.5', 'two\nlines']
    ]);
  });

  it('writes Arrow IPC files that read back identical', async () => {
    const table = harmonisedResult();
    const back = tableFromIPC(await bytesOf('arrow', table));
    expect(back.schema.fields.map(f => `${f.name}:${f.type}`)).toEqual(
      table.schema.fields.map(f => `${f.name}:${f.type}`)
    );
    expect(back.toArray().map(r => r.toJSON())).toEqual(table.toArray().map(r => r.toJSON()));
  });
});

describe('charts', () => {
  it('suggests a line, a climatology and a scatter for a harmonised result', () => {
    expect(suggestCharts(harmonisedResult())).toEqual([
      { kind: 'line', fields: { time: 'time', y: 'value', color: 'site_id' } },
      { kind: 'climatology', fields: { time: 'time', y: 'value' } },
      { kind: 'scatter', fields: { x: 'depth', y: 'value', color: 'site_id' } }
    ]);
  });

  it('builds Vega-Lite specs with the result values, time as ISO text', () => {
    const table = harmonisedResult();
    const line = chartSpec(table, 'line', { time: 'time', y: 'value', color: 'site_id' });
    expect(line.mark).toEqual({ type: 'line', point: true, tooltip: true });
    expect(line.encoding).toEqual({
      x: { field: 'time', type: 'temporal', title: 'time' },
      y: { field: 'value', type: 'quantitative', title: 'value' },
      color: { field: 'site_id', type: 'nominal', title: 'site_id' }
    });
    expect((line.data as { values: unknown[] }).values[1]).toEqual({
      time: '1997-07-15T10:30:00.000Z',
      value: 17.5,
      site_id: 'wimereux'
    });
    const climatology = chartSpec(table, 'climatology', { time: 'time', y: 'value' });
    expect(climatology.encoding).toMatchObject({
      x: { timeUnit: 'year', field: 'time' },
      y: { timeUnit: 'month', field: 'time' },
      color: { aggregate: 'mean', field: 'value' }
    });
    expect(() => chartSpec(table, 'scatter', { x: 'depth' })).toThrow(
      'A scatter chart needs a y column; the result has none of the right type'
    );
    expect(() => chartSpec(table, 'line', {})).toThrow(
      'A line chart needs a time column and a y column; the result has neither of the right type'
    );
    expect(() => chartValues(table, ['nope'])).toThrow('The result has no column "nope"');
  });

  it("titles charts in the bundle's language, English unchanged", () => {
    const table = harmonisedResult();
    const french = catalogueMessages({
      '%1 over time': '%1 au fil du temps',
      'Climatology of %1: monthly mean by year': 'Climatologie de %1 : moyenne mensuelle par année',
      year: 'année',
      month: 'mois',
      'mean %1': '%1 moyen',
      'A %1 chart needs a %2 column; the result has none of the right type':
        'Un graphique %1 demande une colonne %2 ; le résultat n’en a aucune du bon type',
      'A %1 chart needs a %2 column and a %3 column; the result has neither of the right type':
        'Un graphique %1 demande une colonne %2 et une colonne %3 ; le résultat n’a ni l’une ni l’autre du bon type'
    });
    expect(chartSpec(table, 'line', { time: 'time', y: 'value' }).title).toBe('value over time');
    expect(chartSpec(table, 'line', { time: 'time', y: 'value' }, french).title).toBe(
      'value au fil du temps'
    );
    const climatology = chartSpec(table, 'climatology', { time: 'time', y: 'value' }, french);
    expect(climatology.title).toBe('Climatologie de value : moyenne mensuelle par année');
    expect(climatology.encoding).toMatchObject({
      x: { title: 'année' },
      y: { title: 'mois' },
      color: { title: 'value moyen' }
    });
    expect(() => chartSpec(table, 'scatter', { x: 'depth' }, french)).toThrow(
      'Un graphique scatter demande une colonne y ; le résultat n’en a aucune du bon type'
    );
    expect(() => chartSpec(table, 'climatology', {}, french)).toThrow(
      'Un graphique climatology demande une colonne time et une colonne y ; le résultat n’a ni l’une ni l’autre du bon type'
    );
  });

  it('caps the rows given to a chart', () => {
    const table = new Table({ value: makeVector(new Float64Array(10).map((_, i) => i)) });
    expect(chartValues(table, ['value'], 3)).toEqual([{ value: 0 }, { value: 1 }, { value: 2 }]);
  });
});

describe('history and names', () => {
  it('keeps the newest query first, moves repeats up and stays bounded', () => {
    let history = addToHistory([], { sql: 'SELECT 1', at: 't1', rows: 1 });
    history = addToHistory(history, { sql: 'SELECT 2', at: 't2', rows: 1 });
    history = addToHistory(history, { sql: ' SELECT 1 ', at: 't3', rows: 1 });
    expect(history.map(h => [h.sql, h.at])).toEqual([
      ['SELECT 1', 't3'],
      ['SELECT 2', 't2']
    ]);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++)
      history = addToHistory(history, { sql: `SELECT ${i + 10}`, at: `${i}` });
    expect(history).toHaveLength(HISTORY_LIMIT);
  });

  it('names tables after files and finds free export paths', () => {
    expect(tableNameForFile('shared/gravelines/SEANOE_Gravelines_Process_Hydro.csv.gz')).toBe(
      'seanoe_gravelines_process_hydro'
    );
    expect(tableNameForFile('Données été.parquet')).toBe('donnees_ete');
    expect(tableNameForFile('2024 counts.arrow')).toBe('t_2024_counts');
    expect(freePath('', 'result', 'csv', new Set())).toBe('result.csv');
    expect(freePath('out', 'result', 'csv', new Set(['out/result.csv', 'out/result-2.csv']))).toBe(
      'out/result-3.csv'
    );
  });
});

/** A contents manager in memory, slow enough (a tick per call) for two callers to interleave. */
function memoryContents() {
  const files = new Map<string, { content: string; chunk?: number }[]>();
  const tick = () => new Promise(resolve => setTimeout(resolve, 1));
  return {
    files,
    async get(path: string) {
      await tick();
      const prefix = path ? `${path}/` : '';
      return {
        content: [...files.keys()].filter(p => p.startsWith(prefix)).map(p => ({ path: p }))
      };
    },
    async save(path: string, options: { content?: string; chunk?: number } = {}) {
      await tick();
      const saves = options.chunk && options.chunk !== 1 ? (files.get(path) ?? []) : [];
      saves.push({ content: options.content ?? '', chunk: options.chunk });
      files.set(path, saves);
      return {};
    }
  };
}

describe('export names', () => {
  it.each([
    ['', 'empty'],
    ['50%.csv', '"%"'],
    ['two\nlines.csv', 'line break'],
    ['a//b.csv', 'empty folder name'],
    ['../up.csv', 'give the folder by its name'],
    ['what?.csv', 'cannot hold on Windows'],
    ['back\\slash.csv', 'cannot hold on Windows'],
    ['dot.', 'ends with a dot'],
    ['CON', 'Windows reserves'],
    ['out/nul.csv', 'Windows reserves'],
    [`${'x'.repeat(300)}.csv`, 'longer than the 255 bytes']
  ])('refuses %j with a message (%s)', (path, words) => {
    expect(exportPathProblem(path)).toContain(words);
  });

  it("says why in the bundle's language (the extension's translator.load('odatis_vre'))", () => {
    const french = catalogueMessages({
      '"%1" uses "%2": give the folder by its name.':
        '« %1 » utilise « %2 » : donnez le dossier par son nom.',
      'A file name cannot contain "%1": the browser storage reads it as the start of an URL escape.':
        'Un nom de fichier ne peut pas contenir « %1 ».'
    });
    expect(exportPathProblem('../up.csv', french)).toBe(
      '« ../up.csv » utilise « .. » : donnez le dossier par son nom.'
    );
    expect(exportPathProblem('50%.csv', french)).toBe(
      'Un nom de fichier ne peut pas contenir « % ».'
    );
    // Without a bundle, as written.
    expect(exportPathProblem('50%.csv')).toBe(
      'A file name cannot contain "%": the browser storage reads it as the start of an URL escape.'
    );
  });

  it.each(['result.csv', 'out/result 2024.parquet', '/mine/été.arrow', 'console.csv'])(
    'accepts %j',
    path => expect(exportPathProblem(path)).toBeNull()
  );

  it('never gives the same free name to two exports started together', async () => {
    const contents = memoryContents();
    const paths = await Promise.all(
      Array.from({ length: 5 }, () => reserveFreePath(contents, 'out', 'query-result', 'csv'))
    );
    expect(paths).toEqual([
      'out/query-result.csv',
      'out/query-result-2.csv',
      'out/query-result-3.csv',
      'out/query-result-4.csv',
      'out/query-result-5.csv'
    ]);
    // Each name is claimed at once with an empty file.
    expect([...contents.files.keys()].sort()).toEqual([...paths].sort());
  });
});

describe('chunked saves', () => {
  const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256);
  const decode = (content: string) => Buffer.from(content, 'base64');

  it('saves a small file in one plain request', async () => {
    const contents = memoryContents();
    const file = new ChunkedSave(contents, 'a.bin');
    await file.write(bytes(1000));
    await file.close();
    const saves = contents.files.get('a.bin')!;
    expect(saves.map(s => s.chunk)).toEqual([undefined]);
    expect(decode(saves[0].content)).toEqual(Buffer.from(bytes(1000)));
  });

  it('saves a large file in 1 MiB chunks numbered 1, 2, … -1, whatever the writes', async () => {
    const contents = memoryContents();
    const file = new ChunkedSave(contents, 'b.bin');
    const all = bytes(3 * CHUNK_BYTES + 12345);
    // Writes of odd sizes, one of them exactly a chunk.
    for (const [start, end] of [
      [0, 1000],
      [1000, 1000 + CHUNK_BYTES],
      [1000 + CHUNK_BYTES, 2 * CHUNK_BYTES + 5],
      [2 * CHUNK_BYTES + 5, all.length]
    ]) {
      await file.write(all.subarray(start, end));
    }
    await file.close();
    const saves = contents.files.get('b.bin')!;
    expect(saves.map(s => s.chunk)).toEqual([1, 2, 3, -1]);
    expect(saves.slice(0, 3).map(s => decode(s.content).length)).toEqual([
      CHUNK_BYTES,
      CHUNK_BYTES,
      CHUNK_BYTES
    ]);
    expect(Buffer.concat(saves.map(s => decode(s.content))).equals(Buffer.from(all))).toBe(true);
    expect(file.bytes).toBe(all.length);
  });

  it('saves a file of exactly one chunk in one request, and of two as 1 and -1', async () => {
    const contents = memoryContents();
    const one = new ChunkedSave(contents, 'one.bin');
    await one.write(bytes(CHUNK_BYTES));
    await one.close();
    expect(contents.files.get('one.bin')!.map(s => s.chunk)).toEqual([undefined]);
    const two = new ChunkedSave(contents, 'two.bin');
    await two.write(bytes(CHUNK_BYTES));
    await two.write(bytes(CHUNK_BYTES));
    await two.close();
    expect(contents.files.get('two.bin')!.map(s => s.chunk)).toEqual([1, -1]);
  });
});

/**
 * Files as a Jupyter server keeps them (jupyter_server's LargeFileManager): a plain save or chunk 1 writes
 * the file, later chunks are appended to it at once; rename refuses an existing target. `failAt` makes the
 * n-th save (counted from 1) fail, as a full disk or a refused request would.
 */
function serverContents(files: Record<string, Buffer>, failAt = Infinity) {
  const stored = new Map(Object.entries(files));
  let saves = 0;
  const missing = (path: string) => new Error(`No such file or directory: ${path}`);
  return {
    stored,
    async get(path: string) {
      if (!stored.has(path)) throw missing(path);
      return { path };
    },
    async save(path: string, options: { content: string; chunk?: number }) {
      if (++saves === failAt) throw new Error(`Cannot save "${path}": no space left on device`);
      const bytes = Buffer.from(options.content, 'base64');
      const append = options.chunk !== undefined && options.chunk !== 1;
      stored.set(path, append ? Buffer.concat([stored.get(path)!, bytes]) : bytes);
      return {};
    },
    async rename(from: string, to: string) {
      if (stored.has(to)) throw new Error(`File already exists: ${to}`);
      if (!stored.has(from)) throw missing(from);
      stored.set(to, stored.get(from)!);
      stored.delete(from);
      return {};
    },
    async delete(path: string) {
      if (!stored.delete(path)) throw missing(path);
    }
  };
}

describe('saves that replace a file whole or not at all', () => {
  const old = Buffer.from('i,w\r\n0,old\r\n');
  const result = Buffer.from(
    Uint8Array.from({ length: 3 * CHUNK_BYTES + 777 }, (_, i) => (i * 13) % 256)
  );
  /** Writes `result` in writes of 300 kB, as an export's stream does, then closes; discards in any case. */
  async function saveResult(save: ReplacingSave): Promise<void> {
    try {
      for (let offset = 0; offset < result.length; offset += 300_000) {
        await save.write(result.subarray(offset, offset + 300_000));
      }
      await save.close();
    } finally {
      await save.discard();
    }
  }

  it('names the temporary file beside the file, visible, with its extension', () => {
    expect(partialPath('out/query-result.csv', 'k3x9q2')).toBe(
      'out/query-result.partial-k3x9q2.csv'
    );
    expect(partialPath('result', 'k3x9q2')).toBe('result.partial-k3x9q2');
    expect(partialPath('v1.2/result', 'k3x9q2')).toBe('v1.2/result.partial-k3x9q2');
    expect(partialPath('a/.result', 'k3x9q2')).toBe('a/.result.partial-k3x9q2');
    expect(partialPath('a.csv')).toMatch(/^a\.partial-[0-9a-z]+\.csv$/);
    expect(partialPath('a.csv')).not.toBe(partialPath('a.csv'));
  });

  it('replaces an existing file with the complete one and leaves nothing else', async () => {
    const contents = serverContents({ 'out/r.csv': old, 'out/other.csv': old });
    const save = new ReplacingSave(contents, 'out/r.csv');
    await saveResult(save);
    expect([...contents.stored.keys()].sort()).toEqual(['out/other.csv', 'out/r.csv']);
    expect(contents.stored.get('out/r.csv')!.equals(result)).toBe(true);
  });

  it.each([1, 2, 3, 4])(
    'keeps the old file byte for byte when save %i of 4 fails (the last one included), and deletes the partial one',
    async failAt => {
      const contents = serverContents({ 'r.csv': old }, failAt);
      await expect(saveResult(new ReplacingSave(contents, 'r.csv'))).rejects.toThrow(
        'no space left on device'
      );
      expect([...contents.stored.keys()]).toEqual(['r.csv']);
      expect(contents.stored.get('r.csv')!.equals(old)).toBe(true);
    }
  );

  it('leaves no file when there was none and the save fails half-way', async () => {
    const contents = serverContents({}, 3);
    await expect(saveResult(new ReplacingSave(contents, 'r.csv'))).rejects.toThrow('no space left');
    expect([...contents.stored.keys()]).toEqual([]);
  });

  it('keeps the old file when a save stops half-way without failing (a cancel)', async () => {
    const contents = serverContents({ 'r.csv': old });
    const save = new ReplacingSave(contents, 'r.csv');
    await save.write(result.subarray(0, 2 * CHUNK_BYTES + 10));
    expect(contents.stored.get(save.partialPath)!.length).toBe(2 * CHUNK_BYTES);
    await save.discard();
    expect([...contents.stored.keys()]).toEqual(['r.csv']);
    expect(contents.stored.get('r.csv')!.equals(old)).toBe(true);
  });

  it('keeps the complete file under its temporary name, and says so, if it cannot be moved in place', async () => {
    const contents = serverContents({ 'r.csv': old });
    contents.rename = async () => {
      throw new Error('Permission denied');
    };
    const save = new ReplacingSave(contents, 'r.csv');
    await expect(saveResult(save)).rejects.toThrow(
      `The old "r.csv" was deleted to make way for the new one, which could not be moved there: ` +
        `it is kept as "${save.partialPath}" (Permission denied).`
    );
    expect([...contents.stored.keys()]).toEqual([save.partialPath]);
    expect(contents.stored.get(save.partialPath)!.equals(result)).toBe(true);
  });
});
