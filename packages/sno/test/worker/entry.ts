/**
 * Runs inside a real browser Web Worker (see worker.test.ts): read a real Pelagos export and a
 * SOMLIT fixture, write Parquet and Arrow, read the Parquet back, build a catalogue.
 */
import init from 'parquet-wasm';
import { buildCatalog, readParquet, readSnoFile, toArrowIPC, toParquet } from '../../src';
import { somlitFixture } from '../../src/testing';

const scope = self as unknown as {
  onmessage: (e: MessageEvent) => void;
  postMessage: (m: unknown) => void;
};

scope.onmessage = async () => {
  try {
    await init(); // the browser build of parquet-wasm loads its .wasm beside this bundle
    const bytes = new Uint8Array(await (await fetch('luc.csv')).arrayBuffer());
    const luc = readSnoFile('PELAGOS_Phyto-Unicaen_Luc.csv', bytes);
    const fixture = somlitFixture('hydro', 1);
    const somlit = readSnoFile(fixture.name, fixture.bytes);
    const parquet = toParquet(luc.observations, { sourceFiles: [] });
    const back = readParquet(parquet);
    const arrow = toArrowIPC(somlit.observations, { sourceFiles: [] });
    const catalog = buildCatalog(luc.observations, [], { parquetFiles: [], arrowFile: null });
    const g = globalThis as Record<string, unknown>;
    scope.postMessage({
      ok: true,
      lucWritten: luc.report.valuesWritten,
      somlitWritten: somlit.report.valuesWritten,
      somlitExpected: fixture.expected.length,
      parquetRows: back.numRows,
      firstValue: back.getChild('value')?.get(0),
      arrowBytes: arrow.length,
      catalogSites: catalog.sites.map(s => s.siteId),
      hasBuffer: typeof g.Buffer,
      hasProcess: typeof g.process
    });
  } catch (err) {
    scope.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
};
