/**
 * The catalogue clients against the local test server, which answers in each service's real
 * format (testing/README.md): searches, facets, map area, open-ended years, paging, records,
 * and the failures a network gives (errors, slow answers, malformed JSON, web pages).
 */
import {
  blankRecord,
  emptyQuery,
  ErddapSource,
  erddapRefFromUrl,
  identifyLicence,
  searchAll,
  SeanoeSource,
  SextantSource,
  SourceError,
  tabledapUrl,
  Transport,
  withSeanoeDetails,
  type SearchQuery
} from '../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startTestServer } = require('../testing/server.js');

let server: { url: string; requests: { method: string; url: string }[]; close(): Promise<void> };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const transport = new Transport({ timeoutMs: 10_000 });
const sextant = (prefix = '') =>
  new SextantSource({ url: `${server.url}${prefix}/geonetwork/srv/api`, transport });
const seanoe = (prefix = '') =>
  new SeanoeSource({
    url: `${server.url}${prefix}/seanoe/api`,
    dataciteUrl: `${server.url}/datacite`,
    transport
  });
const erddap = (prefix = '') =>
  new ErddapSource({ url: `${server.url}${prefix}/erddap`, transport });

const q = (partial: Partial<SearchQuery>) => emptyQuery(partial);
const ids = (r: { records: { id: string }[] }) => r.records.map(x => x.id).sort();

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

describe('Sextant (GeoNetwork 4 Elasticsearch search)', () => {
  it('searches full text, never lists templates, and counts facets', async () => {
    const r = await sextant().search(q({ text: 'phytoplankton' }));
    expect(ids(r)).toEqual([
      '5e9f0b22-rephy-0000-test-000000047248',
      '8f1b6c9e-phytobs-0000-test-000000085178',
      'd4e5f6a7-iga-0000-test-000000102656'
    ]);
    expect(r.total).toBe(3);
    const sno = r.facets.find(f => f.key === 'sno')!.buckets;
    expect(sno).toEqual(
      expect.arrayContaining([
        { value: 'PHYTOBS', count: 1 },
        { value: 'Ifremer', count: 1 },
        { value: 'IGA', count: 1 },
        { value: 'CNRS', count: 1 }
      ])
    );
    const licence = r.facets.find(f => f.key === 'licence')!.buckets;
    expect(licence).toEqual(
      expect.arrayContaining([
        { value: 'CC-BY-SA 2.0', count: 1 },
        { value: 'Licence Ouverte / Open Licence version 2.0', count: 1 }
      ])
    );
  });

  it('filters by a facet value and still counts the other values of that facet', async () => {
    const r = await sextant().search(q({ text: 'phytoplankton', facets: { sno: ['PHYTOBS'] } }));
    expect(ids(r)).toEqual(['8f1b6c9e-phytobs-0000-test-000000085178']);
    const sno = r.facets.find(f => f.key === 'sno')!.buckets.map(b => b.value);
    expect(sno).toEqual(expect.arrayContaining(['PHYTOBS', 'IGA', 'Ifremer']));
    // The keyword facet is counted within the chosen SNO.
    const tags = r.facets.find(f => f.key === 'keyword')!.buckets;
    expect(tags.find(b => b.value === 'microphytoplankton')).toEqual({
      value: 'microphytoplankton',
      count: 1
    });
    expect(tags.find(b => b.value === 'harmful algae')).toBeUndefined();
  });

  it('filters by map area (envelope intersects the record geometry)', async () => {
    const channel = await sextant().search(q({ bbox: [-2, 49.5, 3, 51.5] }));
    expect(ids(channel)).toEqual([
      '2c7d3a10-somlit-0000-test-000000000001',
      '5e9f0b22-rephy-0000-test-000000047248',
      '8f1b6c9e-phytobs-0000-test-000000085178',
      'a3b4c5d6-coasthf-0000-test-0000marelcar',
      'd4e5f6a7-iga-0000-test-000000102656'
    ]);
    // The Mediterranean part of REPHY's two extents alone.
    const med = await sextant().search(q({ bbox: [8, 41.5, 9, 42.5] }));
    expect(ids(med)).toEqual(['5e9f0b22-rephy-0000-test-000000047248']);
  });

  it('filters by years against open-ended temporal extents', async () => {
    const early = await sextant().search(q({ years: { from: 1979, to: 1985 } }));
    expect(ids(early)).toEqual(['d4e5f6a7-iga-0000-test-000000102656']);
    // From 2024 on: only series with no end date (still running) are left.
    const recent = await sextant().search(q({ years: { from: 2024, to: null } }));
    expect(ids(recent)).toEqual([
      '5e9f0b22-rephy-0000-test-000000047248',
      '8f1b6c9e-phytobs-0000-test-000000085178',
      'a3b4c5d6-coasthf-0000-test-0000marelcar'
    ]);
    const upTo = await sextant().search(q({ years: { from: null, to: 1990 } }));
    expect(ids(upTo)).toEqual([
      '5e9f0b22-rephy-0000-test-000000047248',
      'd4e5f6a7-iga-0000-test-000000102656'
    ]);
  });

  it('pages through the hits', async () => {
    const all = await sextant().search(q({ size: 10 }));
    expect(all.total).toBe(6);
    const page = await sextant().search(q({ from: 2, size: 2 }));
    expect(page.total).toBe(6);
    expect(page.records.map(r => r.id)).toEqual(all.records.slice(2, 4).map(r => r.id));
  });

  it('escapes what people type (a colon or a bracket is not query syntax)', async () => {
    const r = await sextant().search(q({ text: 'temperature: (salinity' }));
    expect(ids(r)).toEqual([
      '2c7d3a10-somlit-0000-test-000000000001',
      'a3b4c5d6-coasthf-0000-test-0000marelcar',
      'd4e5f6a7-iga-0000-test-000000102656'
    ]);
  });

  it('reads a full record: DOI, licence, authors, lineage, contacts, links, open extent', async () => {
    const r = await sextant().record('8f1b6c9e-phytobs-0000-test-000000085178');
    expect(r.title).toBe('PHYTOBS - French national network of coastal phytoplankton observation');
    expect(r.doi).toBe('10.17882/85178');
    expect(r.licence).toEqual({
      text: 'CC-BY-SA 2.0',
      url: 'https://creativecommons.org/licenses/by-sa/2.0/'
    });
    expect(identifyLicence(r.licence)!.obligations).toContain('share-alike');
    expect(r.authors).toEqual(['PHYTOBS network']);
    expect(r.publisher).toBe('SEANOE');
    expect(r.year).toBe(2021);
    expect(r.timeSpan).toEqual({ start: '1996-05-25T00:00:00Z', end: null });
    expect(r.bbox).toEqual([-4.1, 44.5, 1.7, 50.9]);
    expect(r.lineage).toMatch(/Utermöhl/);
    expect(r.contacts[0]).toEqual({
      name: 'PHYTOBS network',
      organisation: 'PHYTOBS',
      role: 'originator',
      email: 'contact@phytobs.example'
    });
    expect(r.links.map(l => l.url)).toEqual(['https://doi.org/10.17882/85178']);
    expect(r.sno).toEqual(['PHYTOBS', 'CNRS']);
  });

  it('follows a record to its ERDDAP dataset', async () => {
    const r = await sextant().record('a3b4c5d6-coasthf-0000-test-0000marelcar');
    expect(r.erddap).toEqual({
      server: `${server.url}/erddap`,
      datasetId: 'coast_hf_marel_carnot',
      protocol: 'tabledap'
    });
    expect(r.contacts[0].organisation).toBe('Ifremer');
  });

  it('keeps markup of remote metadata as text for the sanitiser (never drops it silently)', async () => {
    const r = await sextant().record('ffffffff-markup-0000-test-000000000666');
    expect(r.abstract).toContain('<script>');
    expect(r.timeSpan).toEqual({ start: '2001-01-01T00:00:00Z', end: '2002-12-31T00:00:00Z' });
    expect(identifyLicence(r.licence)).toMatchObject({ id: null, open: false });
  });

  it('says which record does not exist', async () => {
    const e = await failure(sextant().record('no-such-uuid'));
    expect(e.kind).toBe('http');
    expect(e.message).toBe('Sextant has no record no-such-uuid');
  });

  it('reports an error status with the service’s message', async () => {
    const e = await failure(sextant('/error/500').search(q({})));
    expect(e.kind).toBe('http');
    expect(e.detail.status).toBe(500);
    expect(e.message).toMatch(
      /^Sextant answered 500 Internal Server Error \(http:.*\/error\/500\/geonetwork\/srv\/api\/search\/records\/_search\): .*Injected failure/
    );
  });

  it('reports malformed JSON with where it broke', async () => {
    const e = await failure(sextant('/broken-json').search(q({})));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(
      /^Sextant answered with malformed JSON \(http:.*\) at character \d+|^Sextant answered with malformed JSON \(http:.*\): /
    );
  });

  it('reports a web page instead of JSON', async () => {
    const e = await failure(sextant('/html').search(q({})));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/answered with a web page instead of JSON .*Sign in/);
  });

  it('gives up on a slow answer after its time limit', async () => {
    const slow = new SextantSource({
      url: `${server.url}/slow/3000/geonetwork/srv/api`,
      transport: new Transport({ timeoutMs: 300 })
    });
    const e = await failure(slow.search(q({})));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^Sextant did not answer within 300 ms/);
  });

  it('reports a service nobody answers for', async () => {
    const dead = new SextantSource({ url: 'http://127.0.0.1:9/geonetwork/srv/api', transport });
    const e = await failure(dead.search(q({})));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/^Sextant could not be reached/);
  });
});

describe('SEANOE (DataCite search, SEANOE files)', () => {
  it('searches the SEANOE DOIs only', async () => {
    const r = await seanoe().search(q({ text: 'phytoplankton' }));
    expect(ids(r)).toEqual(['10.17882/102656', '10.17882/47248', '10.17882/85178']);
    expect(r.facets.find(f => f.key === 'licence')!.buckets).toEqual(
      expect.arrayContaining([
        { value: 'Creative Commons Attribution Share Alike 2.0 Generic', count: 1 },
        { value: 'No licence stated', count: 1 }
      ])
    );
  });

  it('applies years and map area to what it found, and says so', async () => {
    const r = await seanoe().search(q({ text: 'phytoplankton', years: { from: 2024, to: null } }));
    expect(ids(r)).toEqual(['10.17882/47248']);
    const area = await seanoe().search(q({ text: 'phytoplankton', bbox: [2, 50.9, 2.3, 51.1] }));
    expect(ids(area)).toEqual(['10.17882/102656', '10.17882/47248']);
  });

  it('reads a record by DOI: title, authors, DOI, licence and files with sizes', async () => {
    const r = await seanoe().record('10.17882/85178');
    expect(r.title).toBe(
      'PHYTOBS dataset - French national network of coastal phytoplankton observation'
    );
    expect(r.authors).toEqual(['Lizon, Fabrice', 'Breton, Elsa', 'PHYTOBS Network']);
    expect(r.doi).toBe('10.17882/85178');
    expect(r.publisher).toBe('SEANOE');
    expect(r.year).toBe(2021);
    expect(identifyLicence(r.licence)).toMatchObject({
      id: 'CC-BY-SA-2.0',
      obligations: ['attribution', 'indicate-changes', 'share-alike']
    });
    expect(r.timeSpan).toEqual({ start: '1996-05-25', end: '2023-12-14' });
    expect(r.files).toEqual([
      {
        name: 'PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv',
        url: `${server.url}/seanoe/data/00734/85178/data/1.csv`,
        bytes: 209406,
        format: 'csv',
        openAccess: true,
        checksum: 'a46cf135a2cac75068e68d3f5f7c5c3c4e0dc6a0d833fe50ba2691910f32bf8b'
      },
      {
        name: 'PHYTOBS_all_stations_2024.zip',
        url: null,
        bytes: 18734120,
        format: 'zip',
        openAccess: false,
        checksum: null
      }
    ]);
  });

  it('states each file size as SEANOE does, and it is the size of the file served', async () => {
    const r = await seanoe().record('10.17882/102656');
    expect(r.files.map(f => [f.name, f.bytes])).toEqual([
      ['SEANOE_Gravelines_Process_Hydro.csv', 4108555],
      ['SEANOE_Gravelines_Process_Phyto.csv.gz', 413332],
      ['SEANOE_Gravelines_extraction_filter.json', 78]
    ]);
    for (const f of r.files) {
      const body = await transport.bytes(f.url!, { source: 'SEANOE' });
      expect(body.byteLength).toBe(f.bytes);
    }
  });

  it('says a size is unknown (null) when SEANOE gives none, never 0', () => {
    const base = blankRecord('seanoe', '10.17882/1', 'x');
    const r = withSeanoeDetails(
      base,
      {
        title: 'x',
        files: [
          { fileName: 'a.csv', size: null },
          { fileName: 'b.csv' },
          { fileName: 'c.csv', size: ' ' },
          { fileName: 'd.csv', size: '0' }
        ]
      },
      'https://www.seanoe.org/api/find-by-id/1'
    );
    expect(r.files.map(f => f.bytes)).toEqual([null, null, null, 0]);
  });

  it('keeps the citation metadata when the file list cannot be read, and says why', async () => {
    const r = await seanoe('/error/503').record('10.17882/102656');
    expect(r.authors).toEqual(['Antajan, Elvire', 'Duquesne, Vincent']);
    expect(r.publisher).toBe('SEANOE');
    expect(r.files).toEqual([]);
    expect(r.notes[0]).toMatch(/^The file list could not be read: SEANOE answered 503/);
  });

  it('reports an unknown DOI', async () => {
    const e = await failure(seanoe().record('10.17882/1'));
    expect(e.kind).toBe('http');
    expect(e.detail.status).toBe(404);
    expect(e.message).toMatch(/doesn't exist/);
  });
});

describe('ERDDAP (advanced search, info, tabledap)', () => {
  it('searches text, map area and time on the server', async () => {
    const r = await erddap().search(q({ text: 'temperature' }));
    expect(ids(r)).toEqual(['coast_hf_marel_carnot', 'somlit_hydro_wimereux']);
    expect(r.facets.find(f => f.key === 'sno')!.buckets).toEqual([
      { value: 'CNRS', count: 1 },
      { value: 'Ifremer', count: 1 }
    ]);
    const later = await erddap().search(
      q({ text: 'temperature', years: { from: 2011, to: 2012 } })
    );
    expect(ids(later)).toEqual(['somlit_hydro_wimereux']);
    const byVariable = await erddap().search(q({ parameters: ['CHLA'] }));
    expect(ids(byVariable)).toEqual(['somlit_hydro_wimereux']);
  });

  it('gives the hits shown their licences from each info, read once per dataset', async () => {
    const source = erddap();
    const r = await source.search(q({ text: 'temperature' }));
    // ERDDAP's search answer has no licence column: the cards say "see record" until info is read.
    expect(r.records.map(x => [x.licence, x.licenceUnread])).toEqual([
      [null, true],
      [null, true]
    ]);
    const infos = () => server.requests.filter(x => x.url.includes('/erddap/info/')).length;
    const before = infos();
    const completed = await source.complete(r.records);
    expect(completed.map(x => [x.id, identifyLicence(x.licence)?.id, x.licenceUnread])).toEqual([
      ['coast_hf_marel_carnot', 'CC-BY-4.0', false],
      ['somlit_hydro_wimereux', 'CC-BY-SA-4.0', false]
    ]);
    expect(infos() - before).toBe(2);
    // Completing again, or opening a record, reads no info twice.
    await source.complete(completed);
    await source.complete(r.records);
    await source.record('somlit_hydro_wimereux');
    expect(infos() - before).toBe(2);
  });

  it('takes ERDDAP’s 404 "no matching results" for an empty answer, not an error', async () => {
    const r = await erddap().search(q({ bbox: [100, -10, 110, 0] }));
    expect(r).toEqual({
      source: 'erddap',
      total: 0,
      records: [],
      facets: [],
      // The area search cannot list datasets without coordinates: the answer says so.
      notes: [
        'ERDDAP lists only datasets with coordinates in the map area: datasets without latitude and longitude are not shown (clear the area to see them).'
      ]
    });
    expect((await erddap().search(q({ text: 'temperature' }))).notes).toEqual([]);
  });

  it('reads a dataset’s info: variables with units and standard names, licence, extent', async () => {
    const r = await erddap().record('coast_hf_marel_carnot');
    expect(r.title).toBe('COAST-HF MAREL Carnot buoy: temperature and salinity (test data)');
    expect(r.parameters.find(p => p.name === 'TEMP')).toEqual({
      name: 'TEMP',
      label: 'Sea temperature',
      unit: 'degree_C',
      standardName: 'sea_water_temperature'
    });
    expect(r.parameters.map(p => p.name)).toEqual([
      'time',
      'latitude',
      'longitude',
      'station',
      'TEMP',
      'TEMP_QC',
      'PSAL'
    ]);
    expect(r.timeSpan).toEqual({ start: '2015-01-01T00:00:00Z', end: '2020-12-31T00:00:00Z' });
    expect(r.bbox).toEqual([1.5675, 50.7347, 1.5675, 50.7347]);
    expect(r.doi).toBe('10.17882/99999');
    expect(identifyLicence(r.licence)!.id).toBe('CC-BY-4.0');
    expect(r.lineage).toMatch(/despiked/);
    expect(r.keywords).toContain('Water Temperature');
  });

  it('builds tabledap subsets (time, area, variables) that the server answers', async () => {
    const ref = erddapRefFromUrl(`${server.url}/erddap/tabledap/somlit_hydro_wimereux.html`)!;
    expect(ref.datasetId).toBe('somlit_hydro_wimereux');
    const url = tabledapUrl(ref, {
      format: 'csv',
      variables: ['time', 'station', 'TEMP'],
      time: { start: '2020-12-01T00:00:00Z', end: null },
      bbox: [1.5, 50.65, 1.53, 50.69]
    });
    expect(url).toBe(
      `${server.url}/erddap/tabledap/somlit_hydro_wimereux.csv?time,station,TEMP&time%3E%3D2020-12-01T00%3A00%3A00Z&latitude%3E%3D50.65&latitude%3C%3D50.69&longitude%3E%3D1.5&longitude%3C%3D1.53`
    );
    const csv = await transport.text(url, { source: 'ERDDAP' });
    expect(csv.split('\n')).toEqual([
      'time,station,TEMP',
      'UTC,,degree_C',
      expect.stringMatching(/^2020-12-08T10:00:00Z,Point C,\d+\.\d+$/),
      expect.stringMatching(/^2020-12-22T10:00:00Z,Point C,\d+\.\d+$/),
      ''
    ]);
  });

  it('says what ERDDAP said for a wrong request', async () => {
    const e = await failure(erddap().record('no_such_dataset'));
    expect(e.message).toMatch(
      /^ERDDAP: Not Found: Currently unknown datasetID=no_such_dataset \(http/
    );
  });
});

describe('searchAll', () => {
  it('keeps every source’s answer or failure apart', async () => {
    const outcomes = await searchAll(
      [sextant(), sextant('/error/503'), erddap()],
      q({ text: 'temperature' })
    );
    expect(outcomes.map(o => [o.source, o.ok])).toEqual([
      ['sextant', true],
      ['sextant', false],
      ['erddap', true]
    ]);
    const failed = outcomes[1];
    expect(!failed.ok && failed.error.kind).toBe('http');
  });
});

describe('Transport', () => {
  it('refuses an answer larger than its bound', async () => {
    const small = new Transport({ maxBytes: 1000 });
    const e = await failure(
      small.text(`${server.url}/seanoe/data/00915/102656/data/11.csv`, { source: 'SEANOE' })
    );
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/^SEANOE answered more than 1,000 bytes/);
  });

  it('reports progress while reading', async () => {
    const seen: number[] = [];
    const bytes = await transport.bytes(`${server.url}/seanoe/data/00915/102656/data/12.csv.gz`, {
      source: 'SEANOE',
      onProgress: r => seen.push(r)
    });
    expect(bytes.length).toBe(413332);
    expect(seen[seen.length - 1]).toBe(413332);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('stops when asked to', async () => {
    const controller = new AbortController();
    const p = new Transport().json(`${server.url}/slow/2000/erddap/search/advanced.json`, {
      source: 'ERDDAP',
      signal: controller.signal
    });
    controller.abort();
    expect((await failure(p)).kind).toBe('aborted');
  });
});
