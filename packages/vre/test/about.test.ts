/**
 * @jest-environment jsdom
 */
/**
 * The About dialog's body in the person's language: every word it writes goes through the translator
 * (JupyterLab's `translator.load('odatis_vre')`), only data (versions, names, DOIs, the README's own words)
 * are shown as they are.
 */
import { catalogueMessages, englishMessages, type Messages } from '@odatis-vre/harmonised';
import type { AboutInfo } from '../src/about';

// jsdom has no DragEvent, which @lumino/widgets names when it loads: the module is required after this.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
(globalThis as any).DragEvent ??= class DragEvent extends MouseEvent {};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AboutBody } = require('../src/about') as typeof import('../src/about');
type AboutBody = InstanceType<typeof AboutBody>;

const info: AboutInfo = {
  vreVersion: '0.1.0',
  appName: 'JupyterLab',
  appVersion: '4.6.6',
  kernels: ['NEO (SQL + JavaScript)'],
  extensions: [{ name: '@odatis-vre/vre-extension', version: '0.1.0' }],
  sharedDataPath: 'shared',
  dataSources: [
    {
      folder: 'phytobs',
      title: 'PHYTOBS microphytoplankton counts',
      dois: ['10.17882/85178'],
      licence: 'CC-BY-SA 2.0',
      citation: 'cite the DOI and keep share-alike',
      description: ''
    },
    {
      folder: 'gravelines',
      title: 'Gravelines (IGA)',
      dois: ['10.17882/102656'],
      licence: null,
      citation: null,
      description: ''
    }
  ]
};

/** The text nodes of a body, one string each, blanks left out. */
function texts(body: AboutBody): string[] {
  const walker = document.createTreeWalker(body.node, NodeFilter.SHOW_TEXT);
  const out: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent!.trim();
    if (text && text !== ',') out.push(text);
  }
  return out;
}

test('every word of the dialog is translated; data are shown as they are', () => {
  // Pseudo-localisation: each message of the translator comes back bracketed.
  const pseudo: Messages = { __: (msgid, ...args) => englishMessages.__(`⟦${msgid}⟧`, ...args) };
  const data = new Set([
    'ODATIS VRE',
    '0.1.0',
    'JupyterLab',
    '4.6.6',
    '@odatis-vre/vre-extension',
    'phytobs/',
    'gravelines/',
    'PHYTOBS microphytoplankton counts',
    'Gravelines (IGA)',
    'doi:10.17882/85178',
    'doi:10.17882/102656',
    'CC-BY-SA 2.0',
    'cite the DOI and keep share-alike'
  ]);
  const untranslated = texts(new AboutBody(info, pseudo)).filter(
    t => !data.has(t) && !/^⟦.*⟧$/s.test(t)
  );
  expect(untranslated).toEqual([]);
});

test('in French, with a catalogue as a language pack gives it', () => {
  const french = catalogueMessages({
    Versions: 'Versions',
    Component: 'Composant',
    Version: 'Version',
    'Kernels: %1': 'Noyaux : %1',
    'Shared data (%1/) and licences': 'Données partagées (%1/) et licences',
    Folder: 'Dossier',
    Dataset: 'Jeu de données',
    Licence: 'Licence',
    Conditions: 'Conditions',
    'not stated by the producer': 'non précisée par le producteur'
  });
  const shown = texts(new AboutBody(info, french));
  expect(shown).toEqual(
    expect.arrayContaining([
      'Composant',
      'Noyaux : NEO (SQL + JavaScript)',
      'Données partagées (shared/) et licences',
      'Jeu de données',
      'non précisée par le producteur'
    ])
  );
  // Without a translator: English, as before.
  expect(texts(new AboutBody(info))).toEqual(
    expect.arrayContaining([
      'Component',
      'Kernels: NEO (SQL + JavaScript)',
      'not stated by the producer'
    ])
  );
});
