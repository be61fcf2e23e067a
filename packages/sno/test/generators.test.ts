/**
 * Files written by the fixture generators (REPHY, SOMLIT hydro/piconano/ctd, COAST-HF) and by the
 * synthetic generator parse back into exactly the values generated: same count, and for each value
 * the same line, number, unit, flag, time, site, parameter and taxon.
 */
import { detectFormat, decodeBytes, generateSynthetic, readSnoFile, SYNTH_TAXA } from '../src';
import { coastHfFixture, rephyFixture, somlitFixture } from '../src/testing';
import { checkRoundTrip } from './helpers';

describe('fixture generators reproduce the documented layouts and round-trip exactly', () => {
  test('REPHY web export: ISO-8859-1, decimal comma, two blocks with a repeated header', () => {
    const f = rephyFixture(7);
    const d = decodeBytes(f.name, f.bytes);
    expect(d.encoding).toBe('iso-8859-1');
    expect(d.text.split('\r\n')[0]).toContain('Résultat : Valeur de la mesure');
    expect(d.text).toMatch(/;\d+,\d+;/); // decimal commas
    expect(
      d.text.split('\r\n').filter(l => l.startsWith('Lieu de surveillance : Mnémonique'))
    ).toHaveLength(2);
    expect(detectFormat(f.name, d)).toBe('quadrige');
    checkRoundTrip(f);
    const r = readSnoFile(f.name, f.bytes);
    expect(r.source.sno).toBe('REPHY');
    expect(r.report.warnings['repeated header rows (blocks)']).toBe(1);
  });

  test.each(['hydro', 'piconano', 'ctd'] as const)('SOMLIT %s export', kind => {
    const f = somlitFixture(kind, 11);
    expect(f.name).toMatch(
      new RegExp(`^Somlit_Extraction_${kind}_\\d{8}_\\d{6}_[0-9a-f]{16}\\.csv$`)
    );
    const text = new TextDecoder().decode(f.bytes).split('\n');
    expect(text[0].startsWith('//')).toBe(true);
    expect(text[1].startsWith('//')).toBe(true);
    expect(
      text[2].startsWith('ID_SITE;nomSite*;DATE;HEURE;COEF_MAREE;MAREE;PROF_TEXT;PROF_NUM;')
    ).toBe(true);
    expect(text[3].startsWith('//')).toBe(true);
    expect(text.some(l => l.includes(';999999;9'))).toBe(true);
    checkRoundTrip(f);
    const r = readSnoFile(f.name, f.bytes);
    expect(r.report.dataset).toBe(`SOMLIT-${kind}`);
    expect(r.report.valuesMissing).toBeGreaterThan(0);
    expect(r.report.valuesRead).toBe(r.report.valuesWritten + r.report.valuesMissing);
  });

  test('COAST-HF CSV with per-parameter QC columns', () => {
    const f = coastHfFixture(5);
    expect(new TextDecoder().decode(f.bytes).split('\n')[0]).toBe(
      'PLATFORM,DATE (yyyy-mm-ddThh:mi:ssZ),LATITUDE (degree_north),LONGITUDE (degree_east),DEPH (meter),DEPH QC,TEMP (degree_Celsius),TEMP QC,PSAL (psu),PSAL QC,DOXY (micromole/kg),DOXY QC,CPHL (mg/m3),CPHL QC,TURB (NTU),TURB QC'
    );
    checkRoundTrip(f);
  });
});

describe('synthetic ground truth', () => {
  const small = { seed: 42, firstYear: 2000, lastYear: 2002, siteCount: 3 };

  test('same seed, same bytes; another seed, other values', () => {
    const a = generateSynthetic(small);
    const b = generateSynthetic(small);
    const c = generateSynthetic({ ...small, seed: 43 });
    expect(a.files.map(f => Buffer.from(f.bytes).toString('base64'))).toEqual(
      b.files.map(f => Buffer.from(f.bytes).toString('base64'))
    );
    expect(Buffer.from(a.files[0].bytes).equals(Buffer.from(c.files[0].bytes))).toBe(false);
  });

  test('its SOMLIT-layout and PHYTOBS-layout files parse back into exactly the generated values', () => {
    const ds = generateSynthetic(small);
    expect(ds.files).toHaveLength(4); // 1 hydro file + one count file per site
    for (const f of ds.files) {
      checkRoundTrip(f);
      expect(readSnoFile(f.name, f.bytes).source.sno).toBe('SYNTH');
    }
  });

  test('full design: 12 SOMLIT sites × 25 years, documented responses and shifts', () => {
    const ds = generateSynthetic({ seed: 1 });
    expect(ds.truth.sites).toHaveLength(12);
    expect(ds.truth.years).toEqual([1998, 2022]);
    expect(ds.truth.taxa).toEqual(SYNTH_TAXA);
    const lats = ds.truth.sites.map(s => s.latitude);
    expect(Math.max(...lats) - Math.min(...lats)).toBeGreaterThan(8); // a real latitudinal gradient
    // Warmer south: mean temperature decreases with latitude.
    const byLat = [...ds.truth.sites].sort((a, b) => a.latitude - b.latitude);
    expect(byLat[0].meanT).toBeGreaterThan(byLat[byLat.length - 1].meanT);
    const hydro = readSnoFile(ds.files[0].name, ds.files[0].bytes);
    expect(hydro.report.rowsRead).toBe(12 * 25 * 24);
    expect(ds.files).toHaveLength(13);
  });

  test('counts follow the documented Gaussian response: abundance-weighted mean temperature ≈ optimum', () => {
    // With a broad, flat sample of temperatures the abundance-weighted mean of T approaches the
    // optimum for a taxon whose optimum sits inside the sampled range (Synthetica temperata, 13 °C
    // in 2010). Checked on 2008–2012 so the shifting optimum stays within ±0.1 °C of 13.
    const ds = generateSynthetic({ seed: 5, firstYear: 2008, lastYear: 2012 });
    const hydro = readSnoFile(ds.files[0].name, ds.files[0].bytes).observations;
    const T = new Map<string, number>();
    for (let i = 0; i < hydro.length; i++) {
      const o = hydro.row(i);
      if (o.parameter === 'TEMP') T.set(`${o.site_id}|${o.time}`, o.value);
    }
    let sw = 0;
    let swt = 0;
    for (const f of ds.files.slice(1)) {
      const obs = readSnoFile(f.name, f.bytes).observations;
      for (let i = 0; i < obs.length; i++) {
        const o = obs.row(i);
        const t = T.get(`${o.site_id}|${o.time}`);
        if (o.taxon === 'Synthetica temperata' && t !== undefined) {
          sw += o.value;
          swt += o.value * t;
        }
      }
    }
    expect(Math.abs(swt / sw - 13)).toBeLessThan(1.0);
  });
});
