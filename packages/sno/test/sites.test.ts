/**
 * Issue #8, finding 2: station names as the exports write them find their site in the register; a
 * name that finds none is listed in the report with its line, never a silent id without
 * coordinates; a deployment adds its stations with a site-register file.
 */
import {
  DEFAULT_SITE_REGISTER,
  IngestError,
  PELAGOS_METADATA_COLUMNS,
  SiteRegister,
  parseSiteRegister,
  readSnoFile
} from '../src';
import { rephyFixture } from '../src/testing';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('the register matches names as the exports write them', () => {
  test.each([
    // exact, any case, accents and punctuation
    ['Wimereux-SOMLIT-phyto-pointC', 'wimereux-point-c'],
    ['SÈTE', 'sete'],
    // "SOMLIT-<station>"
    ['SOMLIT-Sola', 'banyuls-sola'],
    ['SOMLIT - Frioul', 'marseille-frioul'],
    // "<city>-<place> point somlit"
    ['Brest-Portzic point somlit', 'brest-portzic'],
    ['La Rochelle-Antioche point somlit', 'la-rochelle-antioche'],
    // word order
    ['Estacade Roscoff', 'roscoff-estacade'],
    ['Point C Wimereux', 'wimereux-point-c'],
    ['Bouée 13 Arcachon', 'arcachon-bouee-13'],
    // one-word contractions of the city and the place
    ['RoscoffAstan', 'roscoff-astan'],
    ['PortzicBrest', 'brest-portzic'],
    ['WimereuxPointC', 'wimereux-point-c'],
    ['LucSurMer', 'luc-sur-mer']
  ])('%s → %s', (text, siteId) => {
    expect(DEFAULT_SITE_REGISTER.match(text).site?.siteId).toBe(siteId);
  });

  test.each(['Consolation', 'Arcachon', 'Station X', 'Pointe du Raz'])(
    '%s matches nothing (no guess from a fragment of a word)',
    text => expect(DEFAULT_SITE_REGISTER.match(text)).toEqual({})
  );

  test('two sites found equally well are ambiguous, and neither is chosen', () => {
    const register = DEFAULT_SITE_REGISTER.withStations([
      {
        siteId: 'roscoff-port',
        name: 'Roscoff Port',
        latitude: 48.72,
        longitude: -3.97,
        aliases: ['Roscoff']
      }
    ]);
    const m = register.match('Roscoff');
    expect(m.site).toBeUndefined();
    expect(m.ambiguous?.map(s => s.siteId).sort()).toEqual(['roscoff-astan', 'roscoff-port']);
  });
});

/** A two-sample Pelagos export at a station given under `site` and `dataset`. */
function pelagosAt(site: string, dataset: string): Uint8Array {
  const meta = PELAGOS_METADATA_COLUMNS;
  const empty = meta.map(() => '');
  const rows = [
    [...meta, 'taxon_pelagos', 'Skeletonema'],
    ...['taxon_user', 'aphiaID', 'stage', 'form', 'sex'].map(l => [...empty, l, '']),
    ...['03/01/2018', '17/01/2018'].map(date => {
      const m = [...empty];
      [m[0], m[1], m[2], m[5], m[6]] = ['Lab', site, dataset, date, '10:15'];
      return [...m, '', '1200'];
    })
  ];
  return enc(rows.map(r => r.join(';')).join('\n') + '\n');
}

describe('unknown stations are listed in the report', () => {
  test('a Pelagos station the register cannot match: named, with its line, written without coordinates', () => {
    const r = readSnoFile('PELAGOS_unknown.csv', pelagosAt('Anse de Morgat', 'Morgat survey'));
    expect(r.report.unknownStations).toEqual([
      { name: 'Anse de Morgat', line: 7, records: 2, siteId: 'anse-de-morgat', coordinates: 'none' }
    ]);
    expect(r.observations.row(0)).toMatchObject({ site_id: 'anse-de-morgat', latitude: null });
  });

  test('a nickname of a known station is no unknown station', () => {
    const r = readSnoFile('PELAGOS_nick.csv', pelagosAt('SOMLIT-Astan', 'Roscoff plankton'));
    expect(r.report.unknownStations).toEqual([]);
    expect(r.observations.row(0)).toMatchObject({ site_id: 'roscoff-astan', latitude: 48.78 });
  });

  test('a Quadrige place the register does not know keeps the coordinates its file gives, and is listed', () => {
    const f = rephyFixture(1, 3);
    const r = readSnoFile(f.name, f.bytes);
    expect(r.report.unknownStations).toEqual([
      {
        name: 'Antifer ponton pétrolier',
        line: 2,
        records: r.report.valuesWritten,
        siteId: 'antifer-ponton-petrolier',
        coordinates: 'from-file'
      }
    ]);
  });

  test('an ambiguous name is listed with the sites it matched', () => {
    const sites = DEFAULT_SITE_REGISTER.withStations([
      {
        siteId: 'roscoff-port',
        name: 'Roscoff Port',
        latitude: 48.72,
        longitude: -3.97,
        aliases: ['Roscoff']
      }
    ]);
    const r = readSnoFile('PELAGOS_amb.csv', pelagosAt('Roscoff', ''), { sites });
    expect(r.report.unknownStations[0]).toMatchObject({
      name: 'Roscoff',
      ambiguous: ['roscoff-astan', 'roscoff-port']
    });
  });
});

describe('a deployment adds its stations', () => {
  const file = JSON.stringify({
    sites: [
      {
        siteId: 'morgat',
        name: 'Anse de Morgat',
        latitude: 48.22,
        longitude: -4.49,
        aliases: ['Morgat']
      }
    ]
  });

  test('from a site-register file: the station is found, with its coordinates', () => {
    const sites = DEFAULT_SITE_REGISTER.withStations(parseSiteRegister('sites.json', file));
    const r = readSnoFile('PELAGOS_morgat.csv', pelagosAt('Morgat', ''), { sites });
    expect(r.report.unknownStations).toEqual([]);
    expect(r.observations.row(0)).toMatchObject({
      site_id: 'morgat',
      latitude: 48.22,
      longitude: -4.49
    });
    expect(sites.entries.length).toBe(DEFAULT_SITE_REGISTER.entries.length + 1);
  });

  test.each([
    ['{', '(no column)', /invalid JSON/],
    ['[{"siteId":"a b","name":"A","latitude":1,"longitude":2}]', 'sites[0].siteId', /lower case/],
    ['[{"siteId":"a","name":"A","latitude":95,"longitude":2}]', 'sites[0].latitude', /±90/],
    ['[{"siteId":"a","name":"","latitude":1,"longitude":2}]', 'sites[0].name', /non-empty/],
    [
      '[{"siteId":"a","name":"A","latitude":1,"longitude":2},{"siteId":"a","name":"B","latitude":1,"longitude":2}]',
      'sites[1].siteId',
      /once/
    ]
  ])('a bad register file is refused, naming the entry and field: %s', (text, column, expected) => {
    try {
      parseSiteRegister('sites.json', text);
      throw new Error('expected an IngestError');
    } catch (e) {
      expect(e).toBeInstanceOf(IngestError);
      const issue = (e as IngestError).issue;
      expect(issue.file).toBe('sites.json');
      expect(issue.column ?? '(no column)').toBe(column);
      expect(`${issue.expected} ${issue.found}`).toMatch(expected);
    }
  });

  test('a station of the deployment with the same id replaces the built-in one', () => {
    const moved = new SiteRegister(DEFAULT_SITE_REGISTER.entries).withStations([
      { siteId: 'sete', name: 'Sète (new)', latitude: 43.4, longitude: 3.7, aliases: [] }
    ]);
    expect(moved.match('Sète').site?.name).toBe('Sète (new)');
  });
});
