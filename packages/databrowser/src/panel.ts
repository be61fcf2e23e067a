/**
 * The "ODATIS data" sidebar: one search box over every catalogue, each source's answer or failure,
 * facets with counts, a map to draw the search area, a year range, a parameter filter with units,
 * and results with source, title, SNO, time span and licence badge. A search that finds nothing
 * says why and how to widen it.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, PanelLayout, Widget } from '@lumino/widgets';
import {
  FACET_KEYS,
  plainText,
  widen,
  type DatasetRecord,
  type FacetKey,
  type Parameter
} from '@odatis-vre/catalog';
import { el, recordBadges } from './dom';
import { facetName, sourceName, spanText, wideningText } from './format';
import { StationMap, type MapStation } from './map';
import type { DataBrowserModel } from './model';

export class DataBrowserPanel extends Panel {
  constructor(options: DataBrowserPanel.IOptions) {
    super();
    this.addClass('odatis-DataBrowser');
    this.model = options.model;
    this.trans = options.trans;
    this.onOpen = options.onOpen;

    const header = new Widget({ node: el('div', 'odatis-DataBrowser-header') });
    const form = el('form', 'odatis-DataBrowser-form');
    form.setAttribute('role', 'search');
    this.input = el('input', 'jp-mod-styled odatis-DataBrowser-input');
    this.input.type = 'search';
    this.input.placeholder = this.trans.__('Search datasets, e.g. phytoplankton');
    this.input.setAttribute(
      'aria-label',
      this.trans.__('Search the ODATIS catalogues and the shared data')
    );
    const go = el(
      'button',
      'jp-Button jp-mod-accept jp-mod-styled odatis-DataBrowser-go',
      this.trans.__('Search')
    );
    go.type = 'submit';
    form.append(this.input, go);
    form.onsubmit = e => {
      e.preventDefault();
      this.model.update({ text: this.input.value });
      void this.model.search();
    };
    this.statusNode = el('div', 'odatis-DataBrowser-sources');
    this.statusNode.setAttribute('aria-live', 'polite');
    header.node.append(
      el('h2', 'odatis-DataBrowser-title', this.trans.__('ODATIS data')),
      form,
      this.statusNode
    );

    // The filters: a collapsible section whose children are widgets (the map gets resize messages).
    const filters = new Widget({ node: el('details', 'odatis-DataBrowser-filters') });
    (filters.node as HTMLDetailsElement).open = true;
    const layout = (filters.layout = new PanelLayout());
    layout.addWidget(
      new Widget({
        node: el('summary', 'odatis-DataBrowser-sectionTitle', this.trans.__('Filters'))
      })
    );
    this.map = new StationMap({
      trans: this.trans,
      fineCoastlineAfter: options.fineCoastlineAfter,
      onBBox: bbox => {
        this.model.update({ bbox });
        void this.model.search();
      }
    });
    layout.addWidget(this.map);
    const body = new Widget({ node: el('div', 'odatis-DataBrowser-filtersBody') });
    this.parametersNode = el('div', 'odatis-DataBrowser-parameters');
    this.facetsNode = el('div', 'odatis-DataBrowser-facets');
    const reset = el(
      'button',
      'jp-Button jp-mod-minimal odatis-DataBrowser-reset',
      this.trans.__('Reset filters')
    );
    reset.onclick = () => {
      this.map.setBBox(null);
      this.from.value = '';
      this.to.value = '';
      this.model.update({
        facets: {},
        bbox: null,
        years: { from: null, to: null },
        parameters: []
      });
      void this.model.search();
    };
    body.node.append(this.yearFilter(), this.parametersNode, this.facetsNode, reset);
    layout.addWidget(body);

    this.resultsNode = el('div', 'odatis-DataBrowser-results');
    this.resultsNode.setAttribute('aria-label', this.trans.__('Datasets found'));
    const results = new Widget({ node: this.resultsNode });

    this.addWidget(header);
    this.addWidget(filters);
    this.addWidget(results);

    this.model.changed.connect(this.render, this);
    this.render();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.model.changed.disconnect(this.render, this);
    super.dispose();
  }

  /** Stations shown on the map (the shared data's, with coordinates). */
  setStations(stations: MapStation[]): void {
    this.map.setStations(stations);
  }

  /** Parameters offered by the filter, with their units. */
  setParameters(parameters: Parameter[]): void {
    this.parameters = parameters;
    this.renderParameters();
  }

  /** Runs a search for these words (the palette command uses it). */
  async search(text?: string): Promise<void> {
    if (text !== undefined) {
      this.input.value = text;
      this.model.update({ text });
    }
    await this.model.search();
  }

  private yearFilter(): HTMLElement {
    const box = el('fieldset', 'odatis-DataBrowser-years');
    box.appendChild(el('legend', undefined, this.trans.__('Years')));
    const input = (label: string) => {
      const i = el('input', 'jp-mod-styled odatis-DataBrowser-year');
      i.type = 'number';
      i.min = '1800';
      i.max = '2100';
      i.placeholder = label;
      i.setAttribute('aria-label', label);
      return i;
    };
    const from = (this.from = input(this.trans.__('from')));
    const to = (this.to = input(this.trans.__('to')));
    from.classList.add('odatis-mod-from');
    to.classList.add('odatis-mod-to');
    const apply = () => {
      const value = (i: HTMLInputElement) =>
        i.value.trim() === '' ? null : Math.trunc(Number(i.value));
      this.model.update({ years: { from: value(from), to: value(to) } });
      void this.model.search();
    };
    from.onchange = apply;
    to.onchange = apply;
    box.append(from, el('span', undefined, '–'), to);
    return box;
  }

  private renderParameters(): void {
    const node = this.parametersNode;
    node.replaceChildren();
    if (!this.parameters.length) return;
    const box = el('fieldset', 'odatis-DataBrowser-facet');
    box.appendChild(el('legend', undefined, this.trans.__('Parameters (unit)')));
    const list = el('ul', 'odatis-DataBrowser-facetValues');
    const chosen = this.model.query.parameters;
    for (const p of this.parameters) {
      const li = el('li');
      const label = el('label');
      const box2 = el('input');
      box2.type = 'checkbox';
      box2.checked = chosen.includes(p.name);
      box2.dataset.parameter = p.name;
      box2.onchange = () => {
        const next = box2.checked
          ? [...this.model.query.parameters, p.name]
          : this.model.query.parameters.filter(x => x !== p.name);
        this.model.update({ parameters: next });
        void this.model.search();
      };
      label.append(
        box2,
        el('span', 'odatis-DataBrowser-value', p.label ? `${p.name} — ${p.label}` : p.name)
      );
      if (p.unit) label.appendChild(el('span', 'odatis-DataBrowser-unit', p.unit));
      li.appendChild(label);
      list.appendChild(li);
    }
    box.appendChild(list);
    node.appendChild(box);
  }

  private renderFacets(): void {
    const node = this.facetsNode;
    node.replaceChildren();
    const facets = this.model.facets;
    for (const key of FACET_KEYS) {
      const facet = facets.find(f => f.key === key);
      const chosen = this.model.query.facets[key] ?? [];
      // A chosen value stays listed even when no source counts it any more.
      const buckets = [...(facet?.buckets ?? [])];
      for (const v of chosen)
        if (!buckets.some(b => b.value === v)) buckets.push({ value: v, count: 0 });
      if (!buckets.length) continue;
      const box = el('fieldset', 'odatis-DataBrowser-facet');
      box.dataset.facet = key;
      box.appendChild(el('legend', undefined, facetName(key, this.trans)));
      const list = el('ul', 'odatis-DataBrowser-facetValues');
      for (const b of buckets.slice(0, 12)) {
        const li = el('li');
        const label = el('label');
        const check = el('input');
        check.type = 'checkbox';
        check.checked = chosen.includes(b.value);
        check.onchange = () => this.toggleFacet(key, b.value, check.checked);
        label.append(
          check,
          el('span', 'odatis-DataBrowser-value', plainText(b.value)),
          el('span', 'odatis-DataBrowser-count', String(b.count))
        );
        li.appendChild(label);
        list.appendChild(li);
      }
      box.appendChild(list);
      node.appendChild(box);
    }
  }

  private toggleFacet(key: FacetKey, value: string, on: boolean): void {
    const current = this.model.query.facets[key] ?? [];
    const next = on ? [...current, value] : current.filter(v => v !== value);
    const facets = { ...this.model.query.facets, [key]: next };
    if (!next.length) delete facets[key];
    this.model.update({ facets });
    void this.model.search();
  }

  private renderStatus(): void {
    const node = this.statusNode;
    node.replaceChildren();
    const errors = el('ul', 'odatis-DataBrowser-errors');
    for (const s of this.model.states) {
      const chip = el('span', 'odatis-DataBrowser-source');
      chip.dataset.source = s.source;
      const name = el('span', 'odatis-DataBrowser-sourceName', sourceName(s.source, this.trans));
      let count: HTMLElement;
      if (s.pending) {
        chip.classList.add('odatis-mod-pending');
        count = el('span', 'odatis-DataBrowser-sourceCount', '…');
        chip.title = this.trans.__('%1: searching…', s.label);
      } else if (s.outcome?.ok) {
        count = el('span', 'odatis-DataBrowser-sourceCount', String(s.outcome.result.total));
        chip.title = this.trans.__('%1: %2 datasets', s.label, s.outcome.result.total);
      } else {
        chip.classList.add('odatis-mod-failed');
        count = el('span', 'odatis-DataBrowser-sourceCount', '!');
        const message = s.outcome && !s.outcome.ok ? s.outcome.error.message : '';
        chip.title = message;
        const item = el('li', 'odatis-DataBrowser-error');
        item.dataset.source = s.source;
        item.textContent = message;
        errors.appendChild(item);
      }
      chip.append(name, count);
      node.appendChild(chip);
    }
    if (errors.childElementCount) node.appendChild(errors);
  }

  private renderResults(): void {
    const node = this.resultsNode;
    node.replaceChildren();
    const states = this.model.states;
    if (!states.length) {
      node.appendChild(
        el(
          'p',
          'odatis-DataBrowser-hint',
          this.trans.__('Type words and press Search, or draw an area on the map.')
        )
      );
      return;
    }
    for (const s of states) {
      if (!s.outcome?.ok) continue;
      const result = s.outcome.result;
      for (const r of result.records) node.appendChild(this.card(r));
      for (const note of result.notes)
        node.appendChild(el('p', 'odatis-DataBrowser-note', `${s.label}: ${note}`));
      if (result.records.length < result.total) {
        const more = el(
          'button',
          'jp-Button jp-mod-styled odatis-DataBrowser-more',
          this.trans.__(
            'More from %1 (%2 of %3 shown)',
            s.label,
            result.records.length,
            result.total
          )
        );
        more.onclick = () => void this.model.more(s.source);
        node.appendChild(more);
      }
    }
    if (!this.model.searching && this.model.total === 0) node.appendChild(this.emptyState());
  }

  /** Why nothing was found, and what widening the search would find. */
  private emptyState(): HTMLElement {
    const box = el('div', 'odatis-DataBrowser-empty');
    const q = this.model.query;
    const parts: string[] = [];
    if (q.text.trim()) parts.push(this.trans.__('the words “%1”', q.text.trim()));
    for (const key of FACET_KEYS) {
      const v = q.facets[key];
      if (v?.length) parts.push(`${facetName(key, this.trans).toLowerCase()} ${v.join(' or ')}`);
    }
    if (q.bbox) parts.push(this.trans.__('the map area'));
    if (q.years.from !== null || q.years.to !== null)
      parts.push(this.trans.__('the years %1–%2', q.years.from ?? '…', q.years.to ?? '…'));
    if (q.parameters.length)
      parts.push(this.trans.__('the parameters %1', q.parameters.join(', ')));
    box.appendChild(
      el(
        'p',
        'odatis-DataBrowser-emptyTitle',
        parts.length
          ? this.trans.__('No dataset matches %1 together.', parts.join(', '))
          : this.trans.__('No dataset was found.')
      )
    );
    const failed = this.model.states.filter(s => s.outcome && !s.outcome.ok);
    if (failed.length) {
      box.appendChild(
        el(
          'p',
          undefined,
          this.trans.__('Not searched (unreachable): %1.', failed.map(s => s.label).join(', '))
        )
      );
    }
    const ways = this.model.widenings;
    if (ways.length) {
      box.appendChild(el('p', undefined, this.trans.__('Widen the search:')));
      const list = el('ul', 'odatis-DataBrowser-widenings');
      for (const w of ways) {
        const b = el(
          'button',
          'jp-Button jp-mod-styled odatis-DataBrowser-widen',
          this.trans._n(
            '%2: %1 dataset in the shared data',
            '%2: %1 datasets in the shared data',
            w.total,
            wideningText(w.widening, this.trans)
          )
        );
        b.onclick = () => {
          const next = widen(this.model.query, w.widening);
          if (w.widening.kind === 'bbox') this.map.setBBox(null);
          if (w.widening.kind === 'text') this.input.value = '';
          this.model.update(next);
          void this.model.search();
        };
        const li = el('li');
        li.appendChild(b);
        list.appendChild(li);
      }
      box.appendChild(list);
    } else if (parts.length) {
      box.appendChild(el('p', undefined, this.trans.__('Try fewer words, or remove a filter.')));
    }
    return box;
  }

  private card(r: DatasetRecord): HTMLElement {
    const card = el('article', 'odatis-DataBrowser-card');
    card.dataset.source = r.source;
    card.dataset.id = r.id;
    const badges = recordBadges(r, this.trans);
    const span = spanText(r.timeSpan, this.trans);
    if (span) badges.appendChild(el('span', 'odatis-DataBrowser-span', span));
    const title = el('button', 'odatis-DataBrowser-cardTitle', plainText(r.title));
    title.onclick = () => this.onOpen(r);
    const meta = el('div', 'odatis-DataBrowser-cardMeta', r.sno.map(plainText).join(' · '));
    card.append(badges, title, meta);
    return card;
  }

  private render(): void {
    this.renderStatus();
    this.renderFacets();
    this.renderParameters();
    this.renderResults();
    this.toggleClass('odatis-mod-searching', this.model.searching);
  }

  readonly model: DataBrowserModel;
  private readonly trans: TranslationBundle;
  private readonly onOpen: (record: DatasetRecord) => void;
  private readonly input: HTMLInputElement;
  private readonly statusNode: HTMLElement;
  private readonly map: StationMap;
  private from!: HTMLInputElement;
  private to!: HTMLInputElement;
  private readonly parametersNode: HTMLElement;
  private readonly facetsNode: HTMLElement;
  private readonly resultsNode: HTMLElement;
  private parameters: Parameter[] = [];
}

export namespace DataBrowserPanel {
  export interface IOptions {
    model: DataBrowserModel;
    trans: TranslationBundle;
    /** Opens the dataset view of a result. */
    onOpen: (record: DatasetRecord) => void;
    /** The map's fine coastline is loaded when the browser is idle after this (default: at once). */
    fineCoastlineAfter?: Promise<unknown>;
  }
}
