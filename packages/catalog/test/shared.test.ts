/**
 * The shared data as a catalogue (the real files of ../shared/data converted by the ingestion
 * package, and the real README), citations, licences and the generated SQL.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Catalog } from '@odatis-vre/harmonised';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  citation,
  emptyQuery,
  identifyLicence,
  obligationsText,
  plainText,
  searchAll,
  SharedDataSource,
  notebookCell,
  sqlCell,
  sqlFor,
  widenings,
  blankRecord,
  type DatasetRecord,
  type SearchQuery
} from '../src';

const SHARED = path.resolve(__dirname, '../../../../shared/data');

let source: SharedDataSource;
let catalog: Catalog;

beforeAll(async () => {
  if (!fs.existsSync(SHARED)) {
    throw new Error(
      `The shared data is missing: expected ${SHARED} (../shared beside the repository)`
    );
  }
  const files: string[] = [];
  const walk = (dir: string) =>
    fs.readdirSync(dir, { withFileTypes: true }).forEach(e => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (!e.name.endsWith('.md')) files.push(full);
    });
  walk(SHARED);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-catalog-'));
  const report = await convertFiles(files.sort(), path.join(out, 'harmonised'), { formats: [] });
  catalog = report.catalog!;
  fs.rmSync(out, { recursive: true, force: true });
  source = new SharedDataSource({
    catalog,
    readme: fs.readFileSync(path.join(SHARED, 'README.md'), 'utf8'),
    harmonisedPath: 'shared/harmonised'
  });
});

const q = (partial: Partial<SearchQuery>) => emptyQuery(partial);
const ids = (r: { records: { id: string }[] }) => r.records.map(x => x.id).sort();
const CHANNEL: [number, number, number, number] = [-2, 49.2, 2.5, 51.2];

describe('the shared data as a catalogue', () => {
  it('lists every dataset with its DOI, licence, stations and span', async () => {
    const r = await source.search(q({ size: 50 }));
    expect(ids(r)).toEqual([
      'IGA-Gravelines-hydro',
      'IGA-Gravelines-phyto',
      'PHYTOBS-PICONANO-cytometry',
      'PHYTOBS-Pelagos'
    ]);
    const phytobs = await source.record('PHYTOBS-Pelagos');
    expect(phytobs.doi).toBe('10.17882/85178');
    expect(phytobs.licence).toEqual({ text: 'CC-BY-SA 2.0', url: null });
    expect(phytobs.citationNote).toBe('cite the DOI and keep share-alike');
    expect(phytobs.stations.map(s => s.id)).toEqual([
      'arcachon-bouee-13',
      'la-rochelle-antioche',
      'luc-sur-mer',
      'wimereux-point-c'
    ]);
    expect(phytobs.rowCount).toBe(catalog.datasets.find(d => d.id === 'PHYTOBS-Pelagos')!.rowCount);
    expect(phytobs.shared!.queryPlace).toBe('both');
    expect(phytobs.timeSpan!.start!.slice(0, 10)).toBe('1996-05-25');
    expect(phytobs.abstract).toContain('Wimereux Point C');
    expect(phytobs.parameters.find(p => p.name === 'cell_abundance')!.unit).toMatch(/cells\/L/);
    const hydro = await source.record('IGA-Gravelines-hydro');
    expect(hydro.parameters.find(p => p.name === 'TEMP')).toEqual({
      name: 'TEMP',
      label: expect.any(String),
      unit: 'degC',
      standardName: expect.any(String)
    });
    // Both Gravelines datasets share their station: the catalogue cannot tell their parameters apart.
    expect(hydro.parametersApproximate).toBe(true);
    expect(phytobs.parametersApproximate).toBe(false);
  });

  it('finds "phytoplankton", then narrows to PHYTOBS with facet counts of the others', async () => {
    // The README's PHYTOBS section speaks of phytoplankton: both PHYTOBS datasets cite it.
    const r = await source.search(q({ text: 'phytoplankton' }));
    expect(ids(r)).toEqual(['PHYTOBS-PICONANO-cytometry', 'PHYTOBS-Pelagos']);
    const all = await source.search(q({ facets: { sno: ['PHYTOBS'] } }));
    expect(ids(all)).toEqual(['PHYTOBS-PICONANO-cytometry', 'PHYTOBS-Pelagos']);
    expect(all.facets.find(f => f.key === 'sno')!.buckets).toEqual([
      { value: 'IGA', count: 2 },
      { value: 'PHYTOBS', count: 2 }
    ]);
    // Licences are counted within the chosen SNO.
    expect(all.facets.find(f => f.key === 'licence')!.buckets).toEqual([
      { value: 'CC-BY-SA 2.0', count: 2 }
    ]);
    const channel = await source.search(q({ text: 'phytoplankton', bbox: CHANNEL }));
    expect(ids(channel)).toEqual(['PHYTOBS-Pelagos']);
  });

  it('finds a dataset by a taxon recorded at its stations', async () => {
    const taxon = catalog.taxa.find(t => t.sites.includes('arcachon-bouee-13'))!.taxon;
    const r = await source.search(q({ text: taxon }));
    expect(ids(r)).toContain('PHYTOBS-Pelagos');
  });

  it('filters by map area (stations inside it) and years', async () => {
    expect(ids(await source.search(q({ bbox: CHANNEL })))).toEqual([
      'IGA-Gravelines-hydro',
      'IGA-Gravelines-phyto',
      'PHYTOBS-Pelagos'
    ]);
    expect(ids(await source.search(q({ bbox: [-4.5, 48, -3.5, 49] })))).toEqual([
      'PHYTOBS-PICONANO-cytometry'
    ]);
    expect(ids(await source.search(q({ bbox: [-2, 43, 0, 47] })))).toEqual(['PHYTOBS-Pelagos']);
    expect(ids(await source.search(q({ years: { from: 2024, to: null } })))).toEqual([
      'PHYTOBS-Pelagos'
    ]);
    expect(ids(await source.search(q({ years: { from: null, to: 1990 } })))).toEqual([
      'IGA-Gravelines-hydro',
      'IGA-Gravelines-phyto'
    ]);
  });

  it('filters by parameter', async () => {
    expect(ids(await source.search(q({ parameters: ['TEMP'] })))).toEqual([
      'IGA-Gravelines-hydro',
      'IGA-Gravelines-phyto'
    ]);
  });

  it('says how to widen a search that found nothing', async () => {
    const query = q({ text: 'phytoplankton', years: { from: 1900, to: 1901 } });
    expect((await source.search(query)).total).toBe(0);
    expect(await widenings([source], query)).toEqual([
      { widening: { kind: 'text' }, total: 0 },
      { widening: { kind: 'years' }, total: 2 }
    ]);
  });

  it('answers with the network gone (no remote call at all)', async () => {
    const outcomes = await searchAll([source], q({ text: 'Gravelines' }));
    expect(outcomes).toEqual([
      expect.objectContaining({
        source: 'shared',
        ok: true,
        result: expect.objectContaining({ total: 2 })
      })
    ]);
  });
});

describe('citations', () => {
  const record: DatasetRecord = {
    ...blankRecord(
      'seanoe',
      '10.17882/85178',
      'PHYTOBS dataset – <i>coastal</i> phytoplankton & more_2'
    ),
    authors: ['Lizon, Fabrice', 'Breton, Elsa'],
    publisher: 'SEANOE',
    year: 2021,
    doi: '10.17882/85178',
    licence: { text: 'CC-BY-SA 2.0', url: null }
  };

  it('writes text in DataCite’s recommended form, without markup', () => {
    expect(citation(record, 'text')).toBe(
      'Lizon, Fabrice; Breton, Elsa (2021). PHYTOBS dataset – coastal phytoplankton & more_2. SEANOE. https://doi.org/10.17882/85178'
    );
  });

  it('writes BibTeX with its special characters escaped', () => {
    expect(citation(record, 'bibtex')).toBe(
      [
        '@misc{Lizon2021,',
        '  author = {Lizon, Fabrice and Breton, Elsa},',
        '  title = {{PHYTOBS dataset – coastal phytoplankton \\& more\\_2}},',
        '  year = {2021},',
        '  publisher = {SEANOE},',
        '  doi = {10.17882/85178},',
        '  url = {https://doi.org/10.17882/85178},',
        '  note = {Licence: CC-BY-SA-2.0}',
        '}',
        ''
      ].join('\n')
    );
  });

  it('writes RIS', () => {
    expect(citation(record, 'ris').split('\r\n')).toEqual([
      'TY  - DATA',
      'AU  - Lizon, Fabrice',
      'AU  - Breton, Elsa',
      'TI  - PHYTOBS dataset – coastal phytoplankton & more_2',
      'PY  - 2021',
      'PB  - SEANOE',
      'DO  - 10.17882/85178',
      'UR  - https://doi.org/10.17882/85178',
      'N1  - Licence: CC-BY-SA-2.0',
      'ER  - ',
      ''
    ]);
  });

  it('uses the producer’s own citation of a shared dataset', async () => {
    expect(citation(await source.record('PHYTOBS-Pelagos'), 'text')).toBe(
      'PHYTOBS network, Pelagos database export, https://doi.org/10.17882/85178'
    );
  });

  it('reduces markup and entities to text', () => {
    expect(
      plainText('<p>Bay of <em>Biscay</em></p><script>alert(1)</script> &amp; &#233;t&eacute;')
    ).toBe('Bay of Biscay & été');
  });
});

describe('licences', () => {
  it.each([
    ['CC-BY-SA 2.0', 'CC-BY-SA-2.0', ['attribution', 'indicate-changes', 'share-alike']],
    ['CC BY 4.0', 'CC-BY-4.0', ['attribution', 'indicate-changes']],
    [
      'https://creativecommons.org/licenses/by-nc/4.0/',
      'CC-BY-NC-4.0',
      ['attribution', 'indicate-changes', 'non-commercial']
    ],
    [
      'Creative Commons Attribution 4.0 International (CC BY 4.0)',
      'CC-BY-4.0',
      ['attribution', 'indicate-changes']
    ],
    [
      'Creative Commons Attribution Share Alike 2.0 Generic',
      'CC-BY-SA-2.0',
      ['attribution', 'indicate-changes', 'share-alike']
    ],
    ['CC0', 'CC0-1.0', []],
    ['Licence Ouverte / Open Licence version 2.0', 'etalab-2.0', ['attribution']],
    ['ODbL', 'ODbL-1.0', ['attribution', 'share-alike']]
  ])('recognises %s', (text, id, obligations) => {
    expect(identifyLicence(text)).toMatchObject({ id, obligations });
  });

  it('keeps an unknown licence as written and says to read it', () => {
    const l = identifyLicence('Restricted: ask the producer');
    expect(l).toMatchObject({ id: null, open: false, short: 'Restricted: ask the pr…' });
    expect(obligationsText(l)).toEqual([
      'Licence not recognised: read it before reuse ("Restricted: ask the producer").'
    ]);
    expect(obligationsText(null)).toEqual([
      'No licence is stated: ask the producer before reusing these data.'
    ]);
    expect(obligationsText(identifyLicence('CC-BY-SA 2.0'))).toContain(
      'Share-alike: what you derive from these data (tables, figures, merged datasets) must be shared under the same licence.'
    );
  });
});

describe('generated SQL', () => {
  it('queries the harmonised view with the search’s stations, years and parameters', async () => {
    const phytobs = await source.record('PHYTOBS-Pelagos');
    const sql = sqlFor(phytobs, {
      query: q({
        text: 'phytoplankton',
        bbox: CHANNEL,
        years: { from: 2010, to: 2020 },
        parameters: ['cell_abundance']
      })
    })!;
    expect(sql.split('\n').slice(3)).toEqual([
      'SELECT time, site_id, site_name, parameter, taxon, value, unit, quality',
      'FROM harmonised',
      "WHERE dataset = 'PHYTOBS-Pelagos'",
      "  AND site_id IN ('luc-sur-mer', 'wimereux-point-c')",
      "  AND time >= TIMESTAMP '2010-01-01'",
      "  AND time < TIMESTAMP '2021-01-01'",
      "  AND parameter IN ('cell_abundance')",
      'ORDER BY time;'
    ]);
    expect(sql.split('\n')[2]).toBe('-- Licence: CC BY-SA 2.0 (share-alike)');
    expect(sqlCell(phytobs, { query: q({}) })!.split('\n')[0]).toBe('%%sql');
  });

  it('quotes what it puts in strings', () => {
    const r = {
      ...blankRecord('shared', "it's", 'x'),
      shared: { datasetId: "it's", sourceFiles: [], queryPlace: 'both' as const }
    };
    expect(sqlFor(r, { query: q({}) })).toContain("WHERE dataset = 'it''s'");
  });

  it('writes a neo.* cell: the same query through neo.sql, and the pivot for counts of taxa', async () => {
    const phytobs = await source.record('PHYTOBS-Pelagos');
    const query = { query: q({ years: { from: 2010, to: 2020 } }) };
    const cell = notebookCell(phytobs, query, 'neo')!;
    const sql = sqlFor(phytobs, query)!;
    const lines = cell.split('\n');
    expect(lines.slice(0, 3)).toEqual(
      sql
        .split('\n')
        .slice(0, 3)
        .map(l => `// ${l.slice(3)}`)
    );
    expect(lines[lines.length - 1]).toBe('t');
    // The query inside the template literal is the SQL of the %%sql cell, character for character.
    const literal = /^const t = await neo\.sql\((`[\s\S]*`)\);$/m.exec(cell)![1];
    const body = sql.split('\n').slice(3).join('\n').replace(/;$/, '');
    expect(new Function(`return ${literal}`)().trim()).toBe(body);
    // PHYTOBS has counts of taxa and no variables to pair them with: no pivot is offered.
    expect(phytobs.parameters.map(p => p.name)).toEqual(['cell_abundance']);
    expect(cell).not.toContain('neo.pivot');
    // Counts with hydrology at the same stations: the pivot of a niche analysis, valid JavaScript.
    const both = {
      ...phytobs,
      parameters: [
        ...phytobs.parameters,
        { name: 'TEMP', label: null, unit: 'degC', standardName: null },
        { name: 'SALI', label: null, unit: null, standardName: null }
      ]
    };
    const pivot = /^\/\/ const niche = (neo\.pivot\(.*\));$/m.exec(
      notebookCell(both, query, 'neo')!
    )![1];
    expect(pivot).toBe(
      `neo.pivot(t, { abundance: { parameter: 'cell_abundance', unit: '${phytobs.parameters[0].unit!.split(',')[0].trim()}' }, environment: ['TEMP', 'SALI'] })`
    );
    expect(() => new Function('neo', 't', `return ${pivot}`)).not.toThrow();
    // Backticks and ${ in a title or a value stay text.
    const odd = {
      ...blankRecord('shared', 'a`b${c}', 'x'),
      shared: { datasetId: 'a`b${c}', sourceFiles: [], queryPlace: 'both' as const }
    };
    const oddLiteral = /neo\.sql\((`[\s\S]*`)\);/.exec(notebookCell(odd, query, 'neo')!)![1];
    expect(new Function(`return ${oddLiteral}`)()).toContain("WHERE dataset = 'a`b${c}'");
    expect(notebookCell(phytobs, query, 'sql')).toBe(sqlCell(phytobs, query));
  });
});
