/**
 * Which query engine answers the session: DuckDB-WASM in the browser, or native DuckDB on the server next to
 * the data (`ServerQueryEngine`). `auto` takes the server when it advertises the harmonised dataset and that
 * dataset is large; small data and offline use stay in the browser.
 */
import {
  englishMessages,
  HARMONISED_VIEW,
  SERVER_MIN_ROWS,
  type Messages
} from '@odatis-vre/harmonised';
import type { QueryEngine, ServerInfo } from '@odatis-vre/query';

/** The `engine` setting of the data services. */
export type EngineChoice = 'browser' | 'server' | 'auto';

/** Below this many rows of the harmonised dataset, `auto` keeps the browser engine. */
export const DEFAULT_SERVER_MIN_ROWS = SERVER_MIN_ROWS;

export interface EngineChoiceOptions {
  choice: EngineChoice;
  /** The server engine, asked for its `info` (a server without the contract answers 404). */
  server: QueryEngine & { info(signal?: AbortSignal): Promise<ServerInfo> };
  /** Makes the browser engine (its worker starts on the first query). */
  browser(): QueryEngine;
  /** `auto` takes the server from this many rows of the harmonised dataset (default 5 M). */
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
  const trans = options.trans ?? englishMessages;
  if (choice === 'browser') {
    return { engine: options.browser(), reason: trans.__('The "engine" setting is "browser".') };
  }
  let info: ServerInfo;
  try {
    info = await server.info(AbortSignal.timeout(options.timeoutMs ?? 10_000));
  } catch (e) {
    const problem = (e as Error)?.message ?? String(e);
    return {
      engine: options.browser(),
      reason: trans.__('The browser engine: no server engine answers here (%1).', problem),
      warning:
        choice === 'server'
          ? trans.__(
              'The server engine was asked for, but no server engine answers here (%1).',
              problem
            )
          : undefined
    };
  }
  const harmonised = info.relations.find(r => r.name === HARMONISED_VIEW);
  if (choice === 'server') {
    return {
      engine: server,
      reason: trans.__('The "engine" setting is "server" (DuckDB %1).', info.version)
    };
  }
  const minRows = options.serverMinRows ?? DEFAULT_SERVER_MIN_ROWS;
  const rows = harmonised?.rows ?? 0;
  if (rows >= minRows) {
    return {
      engine: server,
      reason: trans.__(
        'The server engine: the harmonised dataset has %1 rows (from %2, the server answers).',
        rows.toLocaleString('en'),
        minRows.toLocaleString('en')
      )
    };
  }
  return {
    engine: options.browser(),
    reason: harmonised
      ? trans.__(
          'The browser engine: the harmonised dataset has %1 rows, below %2.',
          rows.toLocaleString('en'),
          minRows.toLocaleString('en')
        )
      : trans.__('The browser engine: the server engine has no harmonised dataset attached.')
  };
}
