/**
 * Tokens of the data browser: other plugins (a kernel, a launcher card, tests) reach the panel
 * through its public interface, never its internals.
 */
import { Token } from '@lumino/coreutils';
import type { DatasetRecord, SearchQuery } from '@odatis-vre/catalog';
import type { DataBrowserModel } from './model';

export interface IDataBrowser {
  readonly model: DataBrowserModel;
  /** Runs a search (words, or the current query when omitted). */
  search(text?: string, query?: Partial<SearchQuery>): Promise<void>;
  /** Opens the dataset view of a record (fetching its full metadata). */
  open(record: Pick<DatasetRecord, 'source' | 'id'>): Promise<void>;
}

export const IDataBrowser = new Token<IDataBrowser>(
  '@odatis-vre/databrowser:IDataBrowser',
  'The ODATIS data browser panel: search the catalogues and open datasets.'
);
