import * as fs from 'fs';
import * as path from 'path';
import { doiUrl, parseDataSources } from '../src/datasources';

const README = path.resolve(__dirname, '../../../../shared/data/README.md');

describe('parseDataSources', () => {
  it('reads the datasets, DOIs and licences of the real shared-data README', () => {
    if (!fs.existsSync(README)) {
      throw new Error(
        `The shared data README is missing: expected ${README} (../shared beside the repo)`
      );
    }
    const sources = parseDataSources(fs.readFileSync(README, 'utf8'));
    expect(sources.map(s => s.folder)).toEqual(['phytobs', 'gravelines']);
    const [phytobs, gravelines] = sources;
    expect(phytobs.title).toBe('PHYTOBS microphytoplankton counts, Pelagos "wide" export');
    expect(phytobs.dois).toEqual(['10.17882/85178']);
    expect(phytobs.licence).toBe('CC-BY-SA 2.0');
    expect(phytobs.citation).toBe('cite the DOI and keep share-alike');
    expect(phytobs.description).toContain('PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv');
    expect(phytobs.description).not.toContain('## gravelines/');
    expect(gravelines.title).toBe('Gravelines power-plant monitoring (IGA)');
    expect(gravelines.dois).toEqual(['10.17882/102656']);
    expect(gravelines.licence).toBeNull();
    expect(gravelines.citation).toBe('Cite the DOI');
  });

  it('ignores sections that are not dataset folders', () => {
    const md =
      '# Data\n## How to cite\nLicence: none\n## sst/ — Sea surface temperature, DOI 10.1234/abc.5\nLicense: CC0 1.0.\n';
    expect(parseDataSources(md)).toEqual([
      {
        folder: 'sst',
        title: 'Sea surface temperature',
        dois: ['10.1234/abc.5'],
        licence: 'CC0 1.0',
        citation: null,
        description: 'License: CC0 1.0.'
      }
    ]);
  });

  it('builds DOI links', () => {
    expect(doiUrl('10.17882/85178')).toBe('https://doi.org/10.17882/85178');
  });
});
