/**
 * Which query engine answers the session: DuckDB-WASM in the browser, native DuckDB on the server next to
 * the data (`ServerQueryEngine`), or, with `auto`, each query where its data live (`RoutedQueryEngine`:
 * datasets meant for the server there, small data, your files and offline use in the browser).
 */
import {
  englishMessages,
  HARMONISED_VIEW,
  SERVER_MIN_ROWS,
  type Messages
} from '@odatis-vre/harmonised';
import { errorMessage, type QueryEngine, type ServerInfo } from '@odatis-vre/query';
import { RoutedQueryEngine } from './query-route';

/** The `engine` setting of the data services. */
export type EngineChoice = 'browser' | 'server' | 'auto';

/** Below this many rows, `auto` queries a dataset of the harmonised catalogue in the browser. */
export const DEFAULT_SERVER_MIN_ROWS = SERVER_MIN_ROWS;

export interface EngineChoiceOptions {
  choice: EngineChoice;
  /** The server engine, asked for its `info` (a server without the contract answers 404). */
  server: QueryEngine & { info(signal?: AbortSignal): Promise<ServerInfo> };
  /** Makes the browser engine (its worker starts on the first query). */
  browser(): QueryEngine;
  /** `auto` queries a dataset of the catalogue on the server from this many rows (default 5 M). */
  serverMinRows?: number;
  /** How long to wait for the server's answer (default 10 s: a busy server also serves the page's files). */
  timeoutMs?: number;
  /** The language of `reason` and `warning`: the extension's `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

export interface ChosenEngine {
  engine: QueryEngine;
  /** Why this engine, in a sentence (status bar title, log). */
  reason: string;
  /** Set when the server engine was asked for and could not be had: what went wrong. */
  warning?: string;
}

export async function chooseQueryEngine(options: EngineChoiceOptions): Promise<ChosenEngine> {
  const { choice, server } = options;
  const serverMinRows = options.serverMinRows ?? DEFAULT_SERVER_MIN_ROWS;
  const trans = options.trans ?? englishMessages;
  if (choice === 'browser') {
    return { engine: options.browser(), reason: trans.__('The "engine" setting is "browser".') };
  }
  let info: ServerInfo;
  try {
    info = await server.info(AbortSignal.timeout(options.timeoutMs ?? 10_000));
  } catch (e) {
    const why = trans.__('no server engine answers here (%1)', errorMessage(e, trans));
    const browser = options.browser();
    return {
      // Datasets meant for the server still run (in the browser), each result saying why.
      engine:
        choice === 'auto'
          ? new RoutedQueryEngine({
              browser,
              server: null,
              serverProblem: why,
              serverMinRows,
              trans
            })
          : browser,
      reason: trans.__('The browser engine: %1.', why),
      warning:
        choice === 'server' ? trans.__('The server engine was asked for, but %1.', why) : undefined
    };
  }
  const harmonised = info.relations.find(r => r.name === HARMONISED_VIEW);
  if (choice === 'server') {
    return {
      engine: server,
      reason: trans.__('The "engine" setting is "server" (DuckDB %1).', info.version)
    };
  }
  return {
    engine: new RoutedQueryEngine({
      browser: options.browser(),
      server: harmonised ? server : null,
      serverProblem: harmonised
        ? undefined
        : trans.__('the server engine has no harmonised dataset attached'),
      serverRows: harmonised?.rows,
      serverMinRows,
      trans
    }),
    reason: trans.__(
      'Each query where its data live: a dataset of %1 rows or more (or whose catalogue says "server") on the server (DuckDB %2), the rest in this browser.',
      serverMinRows.toLocaleString('en'),
      info.version
    )
  };
}
