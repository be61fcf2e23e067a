/**
 * Errors of our own carry their msgid and arguments: `message` reads in English, and the UI shows the same
 * text in the person's language through `errorMessage(e, trans)`; DuckDB's messages pass as they came.
 */
import type { Worker } from 'node:worker_threads';
import { catalogueMessages } from '@odatis-vre/harmonised';
import {
  EngineCrashedError,
  errorMessage,
  QueryCancelledError,
  QueryError,
  ServerQueryEngine,
  ServerUnreachableError
} from '../src';
import { createWasmWorkerEngine } from '../src/node';

const french = catalogueMessages({
  'The server engine at %1 cannot be reached: %2': 'Le moteur serveur à %1 est injoignable : %2',
  'Query cancelled.': 'Requête annulée.',
  'The query engine stopped (%1) and will restart on the next query. Registered files and the harmonised dataset are loaded again; tables created with SQL are lost.':
    'Le moteur de requêtes s’est arrêté (%1) et redémarrera à la prochaine requête. Les fichiers enregistrés et le jeu de données harmonisé sont rechargés ; les tables créées en SQL sont perdues.',
  'worker exited with code %1': 'le worker s’est terminé avec le code %1'
});

/** A query that runs for minutes unless it is stopped. */
const LONG_QUERY = 'SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE i + j = -1';

test("an unreachable server engine's error reads in English and translates in the UI", async () => {
  // Nothing listens on the discard port.
  const server = new ServerQueryEngine({ baseUrl: 'http://127.0.0.1:9/' });
  const error = await server.query('SELECT 1').then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ServerUnreachableError);
  const message = (error as Error).message;
  expect(message).toMatch(
    /^The server engine at http:\/\/127\.0\.0\.1:9\/\S+ cannot be reached: .+/
  );
  expect(errorMessage(error)).toBe(message);
  expect(errorMessage(error, french)).toBe(
    message.replace(
      /^The server engine at (\S+) cannot be reached:/,
      'Le moteur serveur à $1 est injoignable :'
    )
  );
});

test("DuckDB's own messages and other errors pass as they came", () => {
  const duckdb = new QueryError('Parser Error: syntax error at or near "SELEC"', 'SELEC 1');
  expect(duckdb.text).toBeNull();
  expect(errorMessage(duckdb, french)).toBe('Parser Error: syntax error at or near "SELEC"');
  expect(errorMessage(new Error('plain'), french)).toBe('plain');
  expect(errorMessage('a string', french)).toBe('a string');
});

test("a cancel from the engine's worker crosses with its msgid and translates in the UI", async () => {
  // A long grace: the worker's own cancel answers, not the restart.
  const engine = createWasmWorkerEngine({ cancelGraceMs: 60_000 });
  try {
    await engine.version();
    const controller = new AbortController();
    const running = engine.query(LONG_QUERY, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await running.then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(QueryCancelledError);
    expect((error as QueryError).text).toEqual({ msgid: 'Query cancelled.', args: [] });
    expect((error as QueryError).sql).toBe(LONG_QUERY);
    expect(errorMessage(error)).toBe('Query cancelled.');
    expect(errorMessage(error, french)).toBe('Requête annulée.');
  } finally {
    await engine.close();
  }
});

test("a crashed engine's error translates in the UI, its reason too", async () => {
  const workers: Worker[] = [];
  const engine = createWasmWorkerEngine({ onWorker: w => workers.push(w) });
  try {
    await engine.version();
    const running = engine.query(LONG_QUERY);
    await new Promise(resolve => setTimeout(resolve, 300));
    // The real worker thread dies, as a browser worker does on a crash.
    await workers[0].terminate();
    const error = await running.then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(EngineCrashedError);
    expect((error as Error).message).toBe(
      'The query engine stopped (worker exited with code 1) and will restart on the next query. ' +
        'Registered files and the harmonised dataset are loaded again; tables created with SQL are lost.'
    );
    expect(errorMessage(error, french)).toBe(
      'Le moteur de requêtes s’est arrêté (le worker s’est terminé avec le code 1) et redémarrera à la ' +
        'prochaine requête. Les fichiers enregistrés et le jeu de données harmonisé sont rechargés ; les ' +
        'tables créées en SQL sont perdues.'
    );
  } finally {
    await engine.close();
  }
});
