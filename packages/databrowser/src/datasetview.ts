/**
 * The dataset view: what a record says (abstract, extent, stations, parameters with units,
 * lineage, contacts, links, files), its citation ready to copy, the licence and its obligations,
 * a preview, and the actions (open in the SQL workspace, insert a notebook cell, add to my data).
 * Every text that comes from a remote catalogue goes through JupyterLab's sanitiser.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { MimeModel, type IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import {
  CITATION_FORMATS,
  citation,
  identifyLicence,
  obligationsText,
  plainText,
  seriesSpec,
  type CellKind,
  type CitationFormat,
  type DatasetRecord,
  type Preview
} from '@odatis-vre/catalog';
import { el, recordBadges } from './dom';
import { bytesText, spanText } from './format';

const VEGA_LITE = 'application/vnd.vegalite.v5+json';

/** A link only when it is a web address (never javascript: or data:). */
function safeLink(url: string, text: string): HTMLElement {
  if (!/^https?:\/\//i.test(url)) return el('span', undefined, text);
  const a = el('a', undefined, text);
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

/** What the dataset view can do with a record; provided by the extension. */
export interface DatasetActions {
  /** Null when the record has no tabular access: the action is not offered. */
  sql(record: DatasetRecord): string | null;
  openInSqlWorkspace(record: DatasetRecord): Promise<void>;
  /** A `%%sql` cell, or a JavaScript cell with `neo.*`, in the active notebook. */
  insertCell(record: DatasetRecord, kind: CellKind): Promise<void>;
  /** Which engine of the session will answer the record's queries, and what to know about it. */
  engine?(record: DatasetRecord): { label: string; warning: string | null } | null;
  preview(record: DatasetRecord): Promise<Preview>;
  /** Null when the record cannot be added (no file or subset the readers take). */
  canAdd(record: DatasetRecord): string | null;
  /** The search's filters that will not apply to the record's data (shown by the actions). */
  unappliedFilters?(record: DatasetRecord): string[];
  addToMyData(
    record: DatasetRecord,
    progress: (fraction: number | null, text: string) => void
  ): Promise<string>;
}

export class DatasetView extends Panel {
  constructor(options: DatasetView.IOptions) {
    super();
    this.addClass('odatis-DatasetView');
    this.record = options.record;
    this.trans = options.trans;
    this.rendermime = options.rendermime;
    this.actions = options.actions;
    this.id = `odatis-dataset-${options.record.source}-${options.record.id}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_'
    );
    this.title.label = plainText(options.record.title).slice(0, 40);
    this.title.caption = plainText(options.record.title);
    this.title.closable = true;
    this.body = new Widget({ node: el('div', 'odatis-DatasetView-body') });
    this.addWidget(this.body);
    this.render();
  }

  /** Shows the preview: the first rows and the series chart. */
  async showPreview(): Promise<Preview | null> {
    const host = this.previewNode;
    host.replaceChildren(el('p', 'odatis-DatasetView-busy', this.trans.__('Reading a preview…')));
    let preview: Preview;
    try {
      preview = await this.actions.preview(this.record);
    } catch (e) {
      host.replaceChildren(
        el('p', 'odatis-DatasetView-error', this.trans.__('No preview: %1', (e as Error).message))
      );
      return null;
    }
    host.replaceChildren();
    host.appendChild(el('p', 'odatis-DatasetView-muted', this.trans.__('From %1', preview.source)));
    for (const n of preview.notes) host.appendChild(el('p', 'odatis-DatasetView-note', n));
    const chart = el('div', 'odatis-DatasetView-chart');
    host.appendChild(chart);
    // The chart as wide as the view, less room for the axis and legend.
    const spec = seriesSpec(preview, Math.max(320, Math.min(900, chart.clientWidth - 90)));
    if (!spec) chart.remove();
    else {
      if (this.rendermime.preferredMimeType({ [VEGA_LITE]: spec as never }, 'any')) {
        const renderer = this.rendermime.createRenderer(VEGA_LITE);
        this.renderers.push(renderer);
        // In the page before rendering: Vega sizes the chart to its container.
        chart.appendChild(renderer.node);
        // Our own spec of numbers read from the data: trusted so that Vega renders it.
        await renderer.renderModel(
          new MimeModel({ data: { [VEGA_LITE]: spec as never }, trusted: true })
        );
      } else {
        chart.textContent = this.trans.__('(no chart renderer in this JupyterLab)');
      }
    }
    const table = el('table', 'odatis-DatasetView-table odatis-DatasetView-preview');
    const head = el('tr');
    for (const c of preview.columns) head.appendChild(el('th', undefined, c));
    table.appendChild(el('thead')).appendChild(head);
    const tbody = table.appendChild(el('tbody'));
    for (const r of preview.rows) {
      const tr = el('tr');
      for (const v of r) tr.appendChild(el('td', undefined, v === null ? '' : String(v)));
      tbody.appendChild(tr);
    }
    const wrap = el('div', 'odatis-DatasetView-scroll');
    wrap.appendChild(table);
    host.appendChild(wrap);
    if (preview.totalRows !== null) {
      host.appendChild(
        el(
          'p',
          'odatis-DatasetView-muted',
          this.trans.__(
            '%1 of %2 rows',
            preview.rows.length,
            preview.totalRows.toLocaleString('en')
          )
        )
      );
    }
    return preview;
  }

  /** Copies the citation in a format; returns the text. */
  copyCitation(format: CitationFormat): string {
    const text = citation(this.record, format);
    Clipboard.copyToSystem(text);
    this.citationStatus.textContent = this.trans.__('Copied.');
    return text;
  }

  dispose(): void {
    for (const r of this.renderers) r.dispose();
    super.dispose();
  }

  private section(title: string, className: string): HTMLElement {
    const s = el('section', `odatis-DatasetView-section ${className}`);
    s.appendChild(el('h3', undefined, title));
    this.body.node.appendChild(s);
    return s;
  }

  /** Remote text, rendered as Markdown by JupyterLab, untrusted: sanitised, scripts never run. */
  private sanitised(text: string, host: HTMLElement): void {
    const renderer = this.rendermime.createRenderer('text/markdown');
    this.renderers.push(renderer);
    host.appendChild(renderer.node);
    void renderer.renderModel(new MimeModel({ data: { 'text/markdown': text }, trusted: false }));
  }

  private actionButton(
    label: string,
    action: string,
    onClick: () => void,
    enabled = true,
    why?: string
  ): HTMLButtonElement {
    const b = el('button', 'jp-Button jp-mod-styled odatis-DatasetView-action', label);
    b.dataset.action = action;
    b.disabled = !enabled;
    if (why) b.title = why;
    b.onclick = onClick;
    return b;
  }

  private render(): void {
    const r = this.record;
    const t = this.trans;
    const root = this.body.node;
    const header = el('header', 'odatis-DatasetView-header');
    header.appendChild(el('h2', 'odatis-DatasetView-title', plainText(r.title)));
    const badges = recordBadges(r, t);
    const licence = identifyLicence(r.licence);
    if (r.doi) {
      const doi = el('span', 'odatis-DataBrowser-badge odatis-DatasetView-doi');
      doi.appendChild(safeLink(`https://doi.org/${r.doi}`, `DOI ${r.doi}`));
      badges.appendChild(doi);
    }
    const span = spanText(r.timeSpan, t);
    if (span) badges.appendChild(el('span', 'odatis-DataBrowser-span', span));
    header.appendChild(badges);
    const facts: string[] = [];
    if (r.sno.length) facts.push(r.sno.map(plainText).join(' · '));
    if (r.rowCount !== null) facts.push(t.__('%1 values', r.rowCount.toLocaleString('en')));
    if (r.publisher) facts.push(t.__('published by %1', plainText(r.publisher)));
    if (facts.length) header.appendChild(el('p', 'odatis-DatasetView-facts', facts.join(' — ')));
    root.appendChild(header);

    const actions = el('div', 'odatis-DatasetView-actions');
    const sql = this.actions.sql(r);
    const canAdd = this.actions.canAdd(r);
    const engine = sql !== null ? (this.actions.engine?.(r) ?? null) : null;
    actions.append(
      this.actionButton(t.__('Preview'), 'preview', () => void this.showPreview()),
      this.actionButton(
        t.__('Open in SQL workspace'),
        'open-sql',
        () => void this.actions.openInSqlWorkspace(r),
        sql !== null,
        sql === null
          ? t.__('No table the engine can read')
          : engine
            ? t.__('Queried by %1', engine.label)
            : undefined
      ),
      this.actionButton(
        t.__('Insert code cell'),
        'insert-cell',
        () => void this.actions.insertCell(r, 'sql'),
        sql !== null,
        t.__('Insert a %1 cell in the active notebook', '%%sql')
      ),
      this.actionButton(
        t.__('Insert neo.* cell'),
        'insert-neo',
        () => void this.actions.insertCell(r, 'neo'),
        sql !== null,
        t.__('Insert a JavaScript cell that reads the dataset with neo.sql (NEO kernel)')
      ),
      this.actionButton(
        t.__('Add to my data'),
        'add',
        () => void this.add(),
        canAdd === null,
        canAdd ?? t.__('Download, read and add to your own harmonised dataset')
      )
    );
    root.appendChild(actions);
    if (engine) {
      const where = el('p', 'odatis-DatasetView-engine', t.__('Queried by: %1', engine.label));
      where.dataset.engine = engine.label;
      root.appendChild(where);
      if (engine.warning)
        root.appendChild(el('p', 'odatis-DatasetView-note odatis-mod-engine', engine.warning));
    }
    for (const notice of this.actions.unappliedFilters?.(r) ?? [])
      root.appendChild(el('p', 'odatis-DatasetView-note odatis-mod-unapplied', notice));
    this.progressNode = el('div', 'odatis-DatasetView-progress');
    root.appendChild(this.progressNode);

    for (const note of r.notes) root.appendChild(el('p', 'odatis-DatasetView-note', note));

    if (r.abstract) {
      const s = this.section(t.__('Abstract'), 'odatis-mod-abstract');
      const host = el('div', 'odatis-DatasetView-rendered');
      s.appendChild(host);
      this.sanitised(r.abstract, host);
    }

    const extent = this.section(t.__('Extent'), 'odatis-mod-extent');
    const dl = el('dl', 'odatis-DatasetView-facts');
    const fact = (k: string, v: string) => {
      dl.append(el('dt', undefined, k), el('dd', undefined, v));
    };
    fact(
      t.__('Time'),
      r.timeSpan
        ? `${r.timeSpan.start?.slice(0, 10) ?? '…'} – ${r.timeSpan.end?.slice(0, 10) ?? t.__('ongoing')}`
        : t.__('not stated')
    );
    fact(
      t.__('Area'),
      r.bbox
        ? t.__('%1°–%2°E, %3°–%4°N', r.bbox[0], r.bbox[2], r.bbox[1], r.bbox[3])
        : t.__('not stated')
    );
    extent.appendChild(dl);
    if (r.stations.length) {
      extent.appendChild(
        this.table(
          [t.__('Station'), t.__('Latitude'), t.__('Longitude'), t.__('Years'), t.__('Values')],
          r.stations.map(s => [
            s.name ?? s.id,
            s.latitude ?? '',
            s.longitude ?? '',
            spanText(s.timeSpan, t),
            s.rowCount?.toLocaleString('en') ?? ''
          ]),
          'odatis-mod-stations'
        )
      );
    }

    if (r.parameters.length) {
      const s = this.section(t.__('Parameters'), 'odatis-mod-parameters');
      if (r.parametersApproximate)
        s.appendChild(
          el(
            'p',
            'odatis-DatasetView-note',
            t.__('Measured at the dataset’s stations (shared with another dataset).')
          )
        );
      s.appendChild(
        this.table(
          [t.__('Name'), t.__('Label'), t.__('Unit'), t.__('Standard name / P01')],
          r.parameters.map(p => [p.name, p.label ?? '', p.unit ?? '', p.standardName ?? ''])
        )
      );
    }

    if (r.lineage) {
      const s = this.section(t.__('Lineage'), 'odatis-mod-lineage');
      const host = el('div', 'odatis-DatasetView-rendered');
      s.appendChild(host);
      this.sanitised(r.lineage, host);
    }

    if (r.contacts.length) {
      const s = this.section(t.__('Contacts'), 'odatis-mod-contacts');
      const ul = el('ul');
      for (const c of r.contacts) {
        const li = el(
          'li',
          undefined,
          [c.name, c.organisation, c.role && `(${c.role})`]
            .filter(Boolean)
            .map(x => plainText(String(x)))
            .join(' — ')
        );
        if (c.email && /^[^\s@<>]+@[^\s@<>]+$/.test(c.email)) {
          const a = el('a', undefined, ` ${c.email}`);
          a.href = `mailto:${c.email}`;
          li.appendChild(a);
        }
        ul.appendChild(li);
      }
      s.appendChild(ul);
    }

    if (r.links.length || r.landingPage) {
      const s = this.section(t.__('Links'), 'odatis-mod-links');
      const ul = el('ul');
      if (r.landingPage)
        ul.appendChild(el('li')).appendChild(safeLink(r.landingPage, t.__('Record page')));
      for (const l of r.links) {
        const li = el('li');
        li.appendChild(safeLink(l.url, plainText(l.name ?? l.url)));
        if (l.protocol) li.appendChild(el('span', 'odatis-DatasetView-muted', ` ${l.protocol}`));
        ul.appendChild(li);
      }
      s.appendChild(ul);
    }

    if (r.files.length) {
      const s = this.section(t.__('Files'), 'odatis-mod-files');
      s.appendChild(
        this.table(
          [t.__('File'), t.__('Size'), t.__('Access')],
          r.files.map(f => [
            f.name,
            f.bytes === null ? t.__('size unknown') : bytesText(f.bytes),
            f.openAccess ? t.__('open') : t.__('restricted')
          ])
        )
      );
    }

    const cite = this.section(t.__('Citation'), 'odatis-mod-citation');
    if (r.citationNote)
      cite.appendChild(
        el('p', 'odatis-DatasetView-note', t.__('The producer asks: %1.', r.citationNote))
      );
    const tabs = el('div', 'odatis-DatasetView-citationTabs');
    const pre = el('pre', 'odatis-DatasetView-citationText');
    let format: CitationFormat = 'text';
    const show = () => {
      pre.textContent = citation(r, format);
      for (const b of Array.from(tabs.querySelectorAll('button[data-format]'))) {
        b.classList.toggle('odatis-mod-active', (b as HTMLElement).dataset.format === format);
      }
    };
    const names: Record<CitationFormat, string> = {
      text: t.__('Text'),
      bibtex: 'BibTeX',
      ris: 'RIS'
    };
    for (const f of CITATION_FORMATS) {
      const b = el('button', 'jp-Button jp-mod-minimal odatis-DatasetView-tab', names[f]);
      b.dataset.format = f;
      b.onclick = () => {
        format = f;
        show();
      };
      tabs.appendChild(b);
    }
    const copy = el('button', 'jp-Button jp-mod-styled odatis-DatasetView-copy', t.__('Copy'));
    copy.onclick = () => this.copyCitation(format);
    this.citationStatus = el('span', 'odatis-DatasetView-muted');
    tabs.append(copy, this.citationStatus);
    cite.append(tabs, pre);
    show();

    const lic = this.section(t.__('Licence'), 'odatis-mod-licence');
    if (licence) {
      const p = el('p');
      p.appendChild(
        licence.url
          ? safeLink(licence.url, licence.statement)
          : el('span', undefined, licence.statement)
      );
      lic.appendChild(p);
    }
    const ul = el('ul', 'odatis-DatasetView-obligations');
    for (const o of obligationsText(licence)) ul.appendChild(el('li', undefined, o));
    lic.appendChild(ul);

    const pv = this.section(t.__('Preview'), 'odatis-mod-preview');
    this.previewNode = el('div', 'odatis-DatasetView-previewBody');
    this.previewNode.appendChild(
      el(
        'p',
        'odatis-DatasetView-muted',
        t.__('Preview reads the first rows before anything is downloaded.')
      )
    );
    pv.appendChild(this.previewNode);
  }

  private table(headers: string[], rows: (string | number)[][], className = ''): HTMLElement {
    const table = el('table', `odatis-DatasetView-table ${className}`);
    const tr = el('tr');
    for (const h of headers) tr.appendChild(el('th', undefined, h));
    table.appendChild(el('thead')).appendChild(tr);
    const body = table.appendChild(el('tbody'));
    for (const r of rows) {
      const row = el('tr');
      for (const v of r) row.appendChild(el('td', undefined, plainText(String(v))));
      body.appendChild(row);
    }
    const wrap = el('div', 'odatis-DatasetView-scroll');
    wrap.appendChild(table);
    return wrap;
  }

  /** Adds the record to the user's own data, with progress and the per-file report. */
  private async add(): Promise<void> {
    const node = this.progressNode;
    const bar = el('progress', 'odatis-DatasetView-bar');
    bar.max = 1;
    const text = el('span', 'odatis-DatasetView-progressText', this.trans.__('Starting…'));
    node.replaceChildren(bar, text);
    const button = this.node.querySelector<HTMLButtonElement>('button[data-action="add"]');
    if (button) button.disabled = true;
    try {
      const report = await this.actions.addToMyData(this.record, (fraction, what) => {
        if (fraction === null) bar.removeAttribute('value');
        else bar.value = fraction;
        text.textContent = what;
      });
      bar.value = 1;
      text.textContent = this.trans.__('Added.');
      node.appendChild(el('pre', 'odatis-DatasetView-report', report));
      node.classList.remove('odatis-mod-failed');
    } catch (e) {
      node.classList.add('odatis-mod-failed');
      text.textContent = this.trans.__('Nothing was added: %1', (e as Error).message);
    } finally {
      if (button) button.disabled = false;
    }
  }

  readonly record: DatasetRecord;
  private readonly trans: TranslationBundle;
  private readonly rendermime: IRenderMimeRegistry;
  private readonly actions: DatasetActions;
  private readonly body: Widget;
  private previewNode!: HTMLElement;
  private progressNode!: HTMLElement;
  private citationStatus!: HTMLElement;
  private readonly renderers: Widget[] = [];
}

export namespace DatasetView {
  export interface IOptions {
    record: DatasetRecord;
    trans: TranslationBundle;
    rendermime: IRenderMimeRegistry;
    actions: DatasetActions;
  }
}
