/**
 * The odatis-vre command, run as a user would (`node bin/odatis-vre.js …`, what `npx odatis-vre`
 * starts). Needs the workspace built (`npx tsc -b`, done by `npm test`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mappedCsvFixture, rephyFixture } from '@odatis-vre/sno/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const bin = path.resolve(__dirname, '../bin/odatis-vre.js');
const shared = path.resolve(repoRoot, '../shared/data');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  if (!fs.existsSync(path.resolve(__dirname, '../lib/main.js'))) {
    throw new Error(
      'packages/cli/lib/main.js missing: build first with `npx tsc -b` from the repo root'
    );
  }
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-cli-'));

test('convert the shared PHYTOBS files: per-file report, catalog, exit 0', () => {
  if (!fs.existsSync(shared)) throw new Error(`shared data not found at ${shared}`);
  const out = path.join(tmp(), 'out');
  const r = run('convert', path.join(shared, 'phytobs'), '--out', out);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    '✓ PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv [pelagos-wide, PHYTOBS-Pelagos, utf-8]: 286 rows read, 31868 values read, 31868 written'
  );
  expect(r.stdout).toContain('rejected 82 × not-a-number');
  expect(r.stdout).toMatch(
    /PELAGOS_PICONANO_Estacade_2008_2012\.csv, line 32, column "Val_PicoE_SSC": expected a number, found "no beads"/
  );
  expect(r.stdout).toContain('5 file(s), 0 failed');
  const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  expect(cat.datasets.map((d: { id: string }) => d.id).sort()).toEqual([
    'PHYTOBS-PICONANO-cytometry',
    'PHYTOBS-Pelagos'
  ]);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect(report.files[0].report.rejected).toBeDefined();
});

test('a bad file gets a message naming file, line, expectation and finding; exit 1; --strict writes nothing', () => {
  const dir = tmp();
  const bad = path.join(dir, 'export.csv');
  fs.writeFileSync(bad, "station*,site d'echantillonnage*,jeu de donnees*\n");
  const out = path.join(dir, 'out');
  const r = run('convert', bad, '--out', out, '--strict');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('✗ export.csv, line 1: expected a ";"-separated Pelagos header');
  expect(r.stdout).toContain('found a header separated by ","');
  expect(r.stdout).toContain('Nothing written.');
  expect(fs.existsSync(out)).toBe(false);
});

test('check reads and reports without writing', () => {
  const r = run('check', path.join(shared, 'gravelines'));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    '✓ SEANOE_Gravelines_Process_Phyto.csv.gz [quadrige, IGA-Gravelines-phyto, gzip, utf-8]: 37417 rows read'
  );
  expect(r.stdout).toContain('2 file(s), 0 failed. Nothing written.');
});

test('usage errors exit 2 with help', () => {
  const r = run('convert', 'x.csv');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--out <dir>');
  expect(run('frobnicate').code).toBe(2);
  expect(run('help').stdout).toContain('odatis-vre convert');
});

test('synth writes native files and truth.json; --convert converts them; same seed same files', () => {
  const a = tmp();
  const b = tmp();
  const r = run(
    'synth',
    '--out',
    a,
    '--seed',
    '7',
    '--years',
    '2000-2001',
    '--sites',
    '2',
    '--convert'
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Wrote 3 native files \(\d+ values\)/);
  expect(r.stdout).toContain('3 file(s), 0 failed');
  const truth = JSON.parse(fs.readFileSync(path.join(a, 'truth.json'), 'utf8'));
  expect(truth.seed).toBe(7);
  expect(truth.taxa[0]).toHaveProperty('shiftPerDecade');
  expect(fs.existsSync(path.join(a, 'converted', 'catalog.json'))).toBe(true);
  run('synth', '--out', b, '--seed', '7', '--years', '2000-2001', '--sites', '2');
  for (const f of fs.readdirSync(path.join(a, 'native'))) {
    expect(
      fs.readFileSync(path.join(b, 'native', f)).equals(fs.readFileSync(path.join(a, 'native', f)))
    ).toBe(true);
  }
});

test('--site-register: a deployment station is found; without it, the station is named as unknown', () => {
  const dir = tmp();
  const f = rephyFixture(4, 2);
  const src = path.join(dir, f.name);
  fs.writeFileSync(src, f.bytes);
  const without = run('check', src);
  expect(without.code).toBe(0);
  expect(without.stdout).toContain(
    'unknown station "Antifer ponton pétrolier" (line 2, 12 record(s)), not in the site register: ' +
      'written as site "antifer-ponton-petrolier" with the file\'s coordinates'
  );
  const register = path.join(dir, 'sites.json');
  fs.writeFileSync(
    register,
    JSON.stringify([
      {
        siteId: 'antifer',
        name: 'Antifer',
        latitude: 49.67,
        longitude: 0.13,
        aliases: ['Antifer ponton pétrolier']
      }
    ])
  );
  const out = path.join(dir, 'out');
  const r = run('convert', src, '--out', out, '--site-register', register, '--quiet');
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain('unknown station');
  const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  expect(cat.sites.map((s: { siteId: string }) => s.siteId)).toEqual(['antifer']);
  fs.writeFileSync(register, '[{"siteId": "Antifer"}]');
  const bad = run('convert', src, '--out', path.join(dir, 'out2'), '--site-register', register);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain(
    'sites.json, column "sites[0].siteId": expected an id in lower case'
  );
});

test('a CSV read through a mapping given as flags or as a file; a JSON file is said to be JSON', () => {
  const dir = tmp();
  const { file, mapping } = mappedCsvFixture(2, 6);
  const src = path.join(dir, file.name);
  fs.writeFileSync(src, file.bytes);
  fs.writeFileSync(path.join(dir, 'filter.json'), '{"station": "Point B", "fields": ["TEMP"]}');
  const flags = [
    ...['--map-sno', 'SEANOE', '--map-dataset', 'SEANOE-demo-hydro', '--map-decimal-comma'],
    ...['--map-time', 'date', '--map-time-format', 'dd/mm/yyyy', '--map-time-of-day', 'heure'],
    ...[
      '--map-station',
      'lieu',
      '--map-depth',
      'prof',
      '--map-missing',
      'NA',
      '--map-ignore',
      'remarque'
    ],
    ...['--map-value', 'temperature=TEMP:°C', '--map-value', 'salinite=PSAL']
  ];
  const out = path.join(dir, 'out');
  const r = run('convert', src, path.join(dir, 'filter.json'), '--out', out, '--quiet', ...flags);
  const missing = (new TextDecoder().decode(file.bytes).match(/;NA;/g) ?? []).length;
  const read = file.expected.length + missing;
  expect(r.stdout).toContain(
    `✓ ${file.name} [mapped-csv, SEANOE-demo-hydro, utf-8]: 6 rows read, ${read} values read, ${file.expected.length} written, ${missing} missing-coded, 0 rejected`
  );
  expect(r.stdout).toContain(
    '✗ filter.json, line 1: expected a data table, one of: PHYTOBS Pelagos wide export;'
  );
  expect(r.stdout).toContain('found a JSON document: an object with key(s) "station", "fields"');
  expect(r.code).toBe(1); // one file failed
  const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  expect(cat.datasets[0].sourceFiles[0].mapping).toMatchObject({
    sno: 'SEANOE',
    values: { temperature: { parameter: 'TEMP', unit: '°C' }, salinite: { parameter: 'PSAL' } }
  });

  const mappingFile = path.join(dir, 'mapping.json');
  fs.writeFileSync(mappingFile, JSON.stringify(mapping));
  const viaFile = run('check', src, '--mapping', mappingFile);
  expect(viaFile.code).toBe(0);
  expect(viaFile.stdout).toContain(`${file.expected.length} written`);
  const both = run('check', src, '--mapping', mappingFile, '--map-sno', 'X');
  expect(both.code).toBe(2);
  expect(both.stderr).toContain(
    'give the mapping as a file (--mapping) or as flags (--map-sno), not both'
  );
  const bad = run(
    'check',
    src,
    '--map-sno',
    'X',
    '--map-time',
    'date',
    '--map-station',
    'lieu',
    '--map-value',
    'temperature'
  );
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--map-value expects <column>=<PARAMETER>[:<unit>]');
});

test('a mistyped option or a missing option file is said with what to do', () => {
  const typo = run('synth', '--out', tmp(), '--sead', '3');
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain('synth: unknown option "--sead". Did you mean --seed?');
  expect(typo.stderr).toContain('synth takes --out, --seed, --years, --sites, --convert');
  expect(typo.stderr).not.toContain('positional argument');
  const unknown = run('convert', path.join(shared, 'phytobs'), '--out', tmp(), '--bogus');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /^convert: unknown option "--bogus"\. convert takes --out, --strict/
  );
  expect(unknown.stderr).toContain('see "odatis-vre help" for the options of convert');
  const noValue = run('convert', path.join(shared, 'phytobs'), '--out');
  expect(noValue.code).toBe(2);
  expect(noValue.stderr).toContain('convert: --out needs a value after it');
  const dir = tmp();
  const out = path.join(dir, 'out');
  const missing = run(
    'convert',
    path.join(shared, 'phytobs'),
    '--out',
    out,
    '--mapping',
    path.join(dir, 'mapping.json')
  );
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(
    `--mapping ${path.join(dir, 'mapping.json')}: cannot read it (no such file in ${dir})`
  );
  expect(missing.stderr).not.toContain('ENOENT');
  expect(fs.existsSync(out)).toBe(false);
  const folder = run('check', path.join(shared, 'phytobs'), '--site-register', dir);
  expect(folder.code).toBe(2);
  expect(folder.stderr).toContain(
    `check: --site-register ${dir}: cannot read it (it is a folder, not a file)`
  );
});
