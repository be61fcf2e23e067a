/** The small DOM pieces the panel and the dataset view share: elements, and a record's badges. */
import type { TranslationBundle } from '@jupyterlab/translation';
import { identifyLicence, type DatasetRecord } from '@odatis-vre/catalog';
import { sourceName } from './format';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The source badge and the licence badge (share-alike, restricted or unknown marked) of a record. */
export function recordBadges(r: DatasetRecord, trans: TranslationBundle): HTMLElement {
  const badges = el('div', 'odatis-DataBrowser-badges');
  badges.appendChild(
    el('span', `odatis-DataBrowser-badge odatis-mod-${r.source}`, sourceName(r.source, trans))
  );
  const licence = identifyLicence(r.licence);
  const unread = !licence && r.licenceUnread === true;
  const lb = el(
    'span',
    'odatis-DataBrowser-badge odatis-DataBrowser-licence',
    licence
      ? licence.short
      : unread
        ? trans.__('licence: see record')
        : trans.__('no licence stated')
  );
  if (licence?.obligations.includes('share-alike')) lb.classList.add('odatis-mod-shareAlike');
  if (licence && !licence.open) lb.classList.add('odatis-mod-restricted');
  if (!licence) lb.classList.add('odatis-mod-unknown');
  lb.title = licence
    ? licence.statement
    : unread
      ? trans.__('The source states the licence in the full record: open it to read it')
      : trans.__('The record states no licence');
  badges.appendChild(lb);
  return badges;
}
