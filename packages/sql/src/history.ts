/** One query the user ran, as the workspace's history keeps it. */
export interface HistoryEntry {
  sql: string;
  /** ISO time the query was run. */
  at: string;
  rows?: number;
  elapsedMs?: number;
  error?: string;
}

/** The state-database key of the query history (shared by every SQL workspace). */
export const HISTORY_KEY = 'odatis-vre-sql:history';

/** How many queries the history keeps. */
export const HISTORY_LIMIT = 200;

/** The history after running `entry`: newest first, a repeated query moved to the top, bounded. */
export function addToHistory(
  history: readonly HistoryEntry[],
  entry: HistoryEntry
): HistoryEntry[] {
  const sql = entry.sql.trim();
  return [{ ...entry, sql }, ...history.filter(h => h.sql.trim() !== sql)].slice(0, HISTORY_LIMIT);
}
