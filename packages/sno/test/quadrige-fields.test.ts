/**
 * Issue #8, finding 3: a Quadrige/SEANOE extraction's parameter, unit, taxon id and dataset id come
 * from the file's own columns and name, mapped to the vocabulary when certain and kept as written
 * (and said) when not. Small extractions written for the purpose, in the make.names header style.
 */
import { readSnoFile } from '../src';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const HEADER = [
  'Passage...Date',
  'Resultat...Nom.du.taxon.referent',
  'Resultat...Code.AphiaID',
  'Lieu.de.surveillance...Libelle',
  'Resultat...Valeur.de.la.mesure',
  'Passage...Heure',
  'Resultat...Symbole.unite.de.mesure.associe.au.quintuplet',
  'Resultat...Libelle.unite.de.mesure.associe.au.quintuplet',
  'Coordonnees.passage...Coordonnees.maxx',
  'Coordonnees.passage...Coordonnees.maxy'
];

function extraction(rows: [string, string, string, string, string][]): Uint8Array {
  const lines = [HEADER.join(';')];
  for (const [taxon, aphia, value, unit, label] of rows)
    lines.push(
      [
        '2019-05-14',
        taxon,
        aphia,
        'Canal Amenee',
        value,
        '10:30:00',
        unit,
        label,
        '2.15003',
        '51.02219'
      ].join(';')
    );
  return enc(lines.join('\r\n') + '\r\n');
}

describe('a zooplankton extraction', () => {
  const bytes = extraction([
    ['Acartia clausi', '149755', '312.5', 'ind.m-3', "Nombre d'individus par metre cube"],
    ['Temora longicornis', '104878', '88', 'ind.m-3', "Nombre d'individus par metre cube"],
    ['Noctiluca scintillans', '109391', '1.7', 'mg.m-3', 'Milligramme par metre cube']
  ]);

  test('individuals per m³ are an abundance of individuals, with the AphiaID of the file', () => {
    const r = readSnoFile('SEANOE_Gravelines_Process_Zoo.csv', bytes);
    const rows = [0, 1].map(i => r.observations.row(i));
    expect(rows.map(o => [o.taxon, o.aphia_id, o.parameter, o.unit, o.value])).toEqual([
      ['Acartia clausi', 149755, 'individual_abundance', 'ind/m3', 312.5],
      ['Temora longicornis', 104878, 'individual_abundance', 'ind/m3', 88]
    ]);
    expect(r.report.dataset).toBe('IGA-Gravelines-zoo');
    expect(rows[0].dataset).toBe('IGA-Gravelines-zoo');
  });

  test('a taxon result that is no count per volume is kept as written, and said', () => {
    const r = readSnoFile('SEANOE_Gravelines_Process_Zoo.csv', bytes);
    expect(r.observations.row(2)).toMatchObject({
      taxon: 'Noctiluca scintillans',
      aphia_id: 109391,
      parameter: 'taxon_measure',
      unit: 'mg/m3'
    });
    expect(r.report.warnings).toEqual({
      'taxon results in "mg.m-3" (Milligramme par metre cube), not a count per volume: kept as parameter "taxon_measure", unit mg/m3': 1
    });
  });

  test('without a telling file name, the dataset kind comes from the first result', () => {
    expect(readSnoFile('extraction-2019.csv', bytes).report.dataset).toBe('IGA-Gravelines-zoo');
    const cells = extraction([
      ['Skeletonema', '149074', '1200', 'cell.l-1', 'Nombre de cellules par litre']
    ]);
    const r = readSnoFile('extraction-2020.csv', cells);
    expect(r.report.dataset).toBe('IGA-Gravelines-phyto');
    expect(r.observations.row(0)).toMatchObject({
      parameter: 'cell_abundance',
      unit: 'cells/L',
      aphia_id: 149074
    });
  });
});
