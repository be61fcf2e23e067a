import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { Widget } from '@lumino/widgets';
import { DataSource, doiUrl } from './datasources';

/** What the About dialog shows. */
export interface AboutInfo {
  /** Version of the ODATIS VRE extensions. */
  vreVersion: string;
  /** Name and version of the JupyterLab application hosting them. */
  appName: string;
  appVersion: string;
  /** Kernels available in this session, by display name. */
  kernels: string[];
  /** Prebuilt extensions loaded, with their versions. */
  extensions: { name: string; version: string }[];
  /** Where the shared data lives, and the datasets its README documents. */
  sharedDataPath: string;
  dataSources: DataSource[];
  /** Why the datasets could not be read, if they could not. */
  dataSourcesError?: string;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function table(headers: string[], rows: (string | Node)[][], className: string): HTMLTableElement {
  const t = element('table', undefined, `odatis-vre-AboutTable ${className}`);
  const head = t.createTHead().insertRow();
  headers.forEach(h => head.appendChild(element('th', h)));
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      if (typeof cell === 'string') td.textContent = cell;
      else td.appendChild(cell);
    }
  }
  return t;
}

/**
 * The body of the "About ODATIS VRE" dialog: versions, then the data and their licences, in the language of
 * `trans` (the extension's `translator.load('odatis_vre')`).
 */
export class AboutBody extends Widget {
  constructor(info: AboutInfo, trans: Messages = englishMessages) {
    super();
    this.addClass('odatis-vre-About');
    const n = this.node;
    n.appendChild(
      element(
        'p',
        trans.__(
          'A virtual research environment for the long-term coastal observation series of ODATIS, ' +
            'the ocean hub of the Data Terra research infrastructure, built for the NEO workshop.'
        )
      )
    );
    n.appendChild(element('h3', trans.__('Versions')));
    n.appendChild(
      table(
        [trans.__('Component'), trans.__('Version')],
        [
          ['ODATIS VRE', info.vreVersion],
          [info.appName, info.appVersion],
          ...info.extensions.map(e => [e.name, e.version])
        ],
        'odatis-vre-AboutVersions'
      )
    );
    n.appendChild(
      element(
        'p',
        trans.__('Kernels: %1', info.kernels.length ? info.kernels.join(', ') : trans.__('none'))
      )
    );
    n.appendChild(element('h3', trans.__('Shared data (%1/) and licences', info.sharedDataPath)));
    if (info.dataSourcesError) {
      n.appendChild(element('p', info.dataSourcesError, 'odatis-vre-AboutError'));
    }
    if (info.dataSources.length) {
      const rows = info.dataSources.map(source => {
        const dois = element('span');
        source.dois.forEach((doi, i) => {
          if (i) dois.appendChild(document.createTextNode(', '));
          const a = element('a', `doi:${doi}`);
          a.href = doiUrl(doi);
          a.target = '_blank';
          a.rel = 'noopener';
          dois.appendChild(a);
        });
        return [
          `${source.folder}/`,
          source.title,
          dois,
          source.licence ?? trans.__('not stated by the producer'),
          source.citation ?? ''
        ];
      });
      n.appendChild(
        table(
          [
            trans.__('Folder'),
            trans.__('Dataset'),
            trans.__('DOI'),
            trans.__('Licence'),
            trans.__('Conditions')
          ],
          rows,
          'odatis-vre-AboutData'
        )
      );
    }
  }
}
