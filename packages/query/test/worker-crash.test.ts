/** The worker engine survives its worker dying: callers get a clear error, the engine restarts itself. */
import type { Worker } from 'node:worker_threads';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import type { EngineEvent } from '../src/engine';
import { EngineCrashedError, translateText } from '../src/errors';
import { createWasmWorkerEngine } from '../src/node';

it('restarts a killed worker, rejects the running query and restores registered files', async () => {
  const workers: Worker[] = [];
  const events: EngineEvent[] = [];
  const engine = createWasmWorkerEngine({ onWorker: w => workers.push(w) });
  engine.onEvent(e => events.push(e));
  try {
    const ipc = tableToIPC(tableFromArrays({ a: Int32Array.from([5, 6]) }), 'stream');
    await engine.registerFile('kept', { buffer: ipc }, { format: 'arrow' });
    await engine.query('CREATE TABLE made_with_sql AS SELECT 1 AS x');

    const running = engine.query(
      'SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE i + j = -1'
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    // The real worker thread dies, as a browser worker does on a crash.
    await workers[0].terminate();
    await expect(running).rejects.toBeInstanceOf(EngineCrashedError);
    await expect(running).rejects.toThrow(/query engine stopped .* will restart/);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('restarted');
    // The event's sentence carries its msgid, for the SQL workspace to show it in the user's language.
    expect(events[0].text?.msgid).toMatch(/^The query engine stopped \(%1\) and will restart/);
    expect(translateText(events[0].text!)).toBe(events[0].message);

    // Next query runs on a new worker, with the registered file loaded again.
    const { table } = await engine.query('SELECT sum(a)::DOUBLE AS s FROM kept');
    expect(table.getChild('s')!.get(0)).toBe(11);
    expect(workers).toHaveLength(2);
    // What was created with SQL is gone, and the error says so in DuckDB's words.
    await expect(engine.query('SELECT * FROM made_with_sql')).rejects.toThrow(
      /made_with_sql does not exist/
    );
  } finally {
    await engine.close();
  }
});

it('restarts the worker when a cancelled query does not stop in time', async () => {
  const workers: Worker[] = [];
  const engine = createWasmWorkerEngine({ onWorker: w => workers.push(w), cancelGraceMs: 1 });
  try {
    await engine.version();
    const controller = new AbortController();
    const running = engine.query(
      'SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE i + j = -1',
      {
        signal: controller.signal
      }
    );
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow(/cancelled/i);
    expect((await engine.query('SELECT 3 AS three')).table.getChild('three')!.get(0)).toBe(3);
  } finally {
    await engine.close();
  }
});

it('reports running out of WebAssembly memory as DuckDB error and stays usable', async () => {
  const events: EngineEvent[] = [];
  const engine = createWasmWorkerEngine();
  engine.onEvent(e => events.push(e));
  try {
    // ~6 GB of text: more than the 4 GB a 32-bit WebAssembly memory can hold.
    await engine.query(`SET memory_limit = '64GB'`);
    await expect(
      engine.query(`SELECT string_agg(repeat('x', 1000000), '') AS s FROM range(6000)`)
    ).rejects.toThrow(/Out of Memory Error/);
    expect((await engine.query('SELECT 1 AS one')).rows).toBe(1);
    expect(events).toHaveLength(0);
  } finally {
    await engine.close();
  }
});
