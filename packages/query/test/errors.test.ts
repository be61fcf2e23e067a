/**
 * Errors of our own carry their msgid and arguments: `message` reads in English, and the UI shows the same
 * text in the person's language through `errorMessage(e, trans)`; DuckDB's messages pass as they came.
 */
import { catalogueMessages } from '@odatis-vre/harmonised';
import { errorMessage, QueryError, ServerQueryEngine, ServerUnreachableError } from '../src';

const french = catalogueMessages({
  'The server engine at %1 cannot be reached: %2': 'Le moteur serveur à %1 est injoignable : %2'
});

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
