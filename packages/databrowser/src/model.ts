/**
 * The data browser's state, without DOM: the query, each source's answer or failure, the merged
 * facets and, when nothing is found, what widening the search would give.
 */
import { ISignal, Signal } from '@lumino/signaling';
import {
  emptyQuery,
  mergeFacets,
  searchAll,
  widenings,
  type CatalogSource,
  type DatasetRecord,
  type Facet,
  type SearchQuery,
  type SourceId,
  type SourceOutcome,
  type Widening
} from '@odatis-vre/catalog';

export interface SourceState {
  source: SourceId;
  label: string;
  /** Still waiting for this source. */
  pending: boolean;
  outcome: SourceOutcome | null;
}

export class DataBrowserModel {
  constructor(sources: CatalogSource[] = []) {
    this._sources = sources;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get sources(): readonly CatalogSource[] {
    return this._sources;
  }

  /** Replaces the catalogues searched (settings changed, shared data loaded). */
  setSources(sources: CatalogSource[]): void {
    this._sources = sources;
    this._states = [];
    this._changed.emit();
  }

  get query(): SearchQuery {
    return this._query;
  }

  /** Changes the query (does not search: call search()). */
  update(partial: Partial<SearchQuery>): void {
    this._query = { ...this._query, ...partial, from: 0 };
    this._changed.emit();
  }

  get states(): readonly SourceState[] {
    return this._states;
  }

  get searching(): boolean {
    return this._states.some(s => s.pending);
  }

  /** A new number per search: what "the same search" means for generated notebook cells. */
  get searchId(): number {
    return this._searchId;
  }

  get records(): DatasetRecord[] {
    return this._states.flatMap(s => (s.outcome?.ok ? s.outcome.result.records : []));
  }

  get total(): number {
    return this._states.reduce((n, s) => n + (s.outcome?.ok ? s.outcome.result.total : 0), 0);
  }

  get facets(): Facet[] {
    return mergeFacets(this._states.flatMap(s => (s.outcome ? [s.outcome] : [])));
  }

  /** When the search found nothing: how many each widening would find in the shared data. */
  get widenings(): { widening: Widening; total: number }[] {
    return this._widenings;
  }

  /** Asks every source; each answer is shown as it comes. */
  async search(): Promise<void> {
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    const query = this._query;
    this._searchId++;
    this._widenings = [];
    this._states = this._sources.map(s => ({
      source: s.id,
      label: s.label,
      pending: true,
      outcome: null
    }));
    this._changed.emit();
    await Promise.all(
      this._sources.map(async (source, i) => {
        const [outcome] = await searchAll([source], query, controller.signal);
        if (controller.signal.aborted) return;
        this._states = this._states.map((s, k) =>
          k === i ? { ...s, pending: false, outcome } : s
        );
        this._changed.emit();
        await this.complete(i, source, controller.signal);
      })
    );
    if (controller.signal.aborted) return;
    if (this.total === 0) {
      const local = this._sources.filter(s => s.id === 'shared');
      this._widenings = (await widenings(local, query)).filter(w => w.total > 0);
      this._changed.emit();
    }
  }

  /** What the source fills in after its answer (ERDDAP's licences), shown when it comes. */
  private async complete(i: number, source: CatalogSource, signal?: AbortSignal): Promise<void> {
    const outcome = this._states[i]?.outcome;
    if (!source.complete || !outcome?.ok) return;
    const records = await source.complete(outcome.result.records, signal);
    if (signal?.aborted || this._states[i]?.outcome !== outcome) return;
    this._states = this._states.map((s, k) =>
      k === i ? { ...s, outcome: { ...outcome, result: { ...outcome.result, records } } } : s
    );
    this._changed.emit();
  }

  /** The next page of one source's answer. */
  async more(source: SourceId): Promise<void> {
    const i = this._states.findIndex(s => s.source === source);
    const state = this._states[i];
    const client = this._sources.find(s => s.id === source);
    if (!state?.outcome?.ok || !client) return;
    const previous = state.outcome.result;
    const query = { ...this._query, from: previous.records.length };
    const [outcome] = await searchAll([client], query);
    if (!outcome.ok) {
      this._states[i] = { ...state, outcome };
    } else {
      this._states[i] = {
        ...state,
        outcome: {
          ...outcome,
          result: { ...outcome.result, records: [...previous.records, ...outcome.result.records] }
        }
      };
    }
    this._changed.emit();
    await this.complete(i, client);
  }

  /** The full record for the dataset view. */
  async record(source: SourceId, id: string): Promise<DatasetRecord> {
    const client = this._sources.find(s => s.id === source);
    if (!client) throw new Error(`No catalogue "${source}" is configured`);
    return client.record(id);
  }

  private _sources: CatalogSource[];
  private _query: SearchQuery = emptyQuery();
  private _states: SourceState[] = [];
  private _widenings: { widening: Widening; total: number }[] = [];
  private _searchId = 0;
  private _controller: AbortController | null = null;
  private _changed = new Signal<this, void>(this);
}
