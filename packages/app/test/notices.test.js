/**
 * Third-party notices of what the builds bundle (scripts/third-party-notices.js): every package listed by the
 * bundler's licence report gets an entry, with its licence file's text or, when it ships none, the licence its
 * package.json declares and its repository.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const {
  NOTICES,
  REPORT,
  packageNotice,
  writeNotices
} = require('../../../scripts/third-party-notices');

const root = path.resolve(__dirname, '..', '..', '..');
const extension = name => path.join(root, 'extensions', name);

/** The packages in a notices file: each entry starts with a rule, then "name version", then "License: …". */
function noticeEntries(text) {
  const entries = new Map();
  const pattern = /^-{78}\n(\S+) (\S+)\nLicense: (.+)$/gm;
  for (let m = pattern.exec(text); m; m = pattern.exec(text))
    entries.set(m[1], { version: m[2], licence: m[3] });
  return entries;
}

test('packages without a licence file: their declared licence, author and repository', () => {
  const cases = [
    [
      'json-schema-merge-allof',
      'vre-extension',
      'MIT',
      'https://github.com/mokkabonna/json-schema-merge-allof'
    ],
    ['@duckdb/duckdb-wasm', 'services-extension', 'MIT', 'https://github.com/duckdb/duckdb-wasm'],
    [
      '@jupyterlab/services',
      'kernel-extension',
      'BSD-3-Clause',
      'https://github.com/jupyterlab/jupyterlab'
    ]
  ];
  for (const [name, from, licence, repository] of cases) {
    const notice = packageNotice(name, extension(from));
    expect(notice.fromFile).toBe(false);
    expect(notice.licenceId).toBe(licence);
    expect(notice.repository).toBe(repository);
    expect(notice.text).toContain(`${name} ${notice.version} ships no licence file.`);
    expect(notice.text).toContain(`declares the licence ${licence} (SPDX)`);
    expect(notice.text).toContain(`Source and licence: ${repository}`);
  }
});

test('a package with a licence file: its text', () => {
  const notice = packageNotice('apache-arrow', extension('sql-extension'));
  expect(notice.fromFile).toBe(true);
  expect(notice.text).toMatch(/Apache License\s+Version 2\.0/);
});

test("a report's empty texts are completed and every package gets a notice", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-notices-'));
  try {
    const report = {
      packages: [
        { name: '@duckdb/duckdb-wasm', versionInfo: '', licenseId: 'MIT', extractedText: '' },
        { name: 'papaparse', versionInfo: '', licenseId: 'MIT', extractedText: 'The MIT License…' }
      ]
    };
    fs.writeFileSync(path.join(dir, REPORT), JSON.stringify(report));
    writeNotices(dir, extension('services-extension'), 'a test bundle');
    const completed = JSON.parse(fs.readFileSync(path.join(dir, REPORT), 'utf8'));
    expect(completed.packages[0].extractedText).toMatch(
      /^@duckdb\/duckdb-wasm \S+ ships no licence file/
    );
    expect(completed.packages[1].extractedText).toBe('The MIT License…');
    const text = fs.readFileSync(path.join(dir, NOTICES), 'utf8');
    expect(text).toMatch(/^Third-party software bundled in a test bundle\n2 packages/);
    expect([...noticeEntries(text).keys()]).toEqual(['@duckdb/duckdb-wasm', 'papaparse']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every package a prebuilt extension bundles has an entry in its THIRD-PARTY-NOTICES.txt', () => {
  // The services extension bundles DuckDB-WASM (no licence file): built here when no build is there yet.
  const services = extension('services-extension');
  if (!fs.existsSync(path.join(services, 'dist', 'static', NOTICES))) {
    const build = spawnSync(
      process.execPath,
      [path.join(root, 'scripts', 'build-labextension.js'), services],
      { cwd: services, encoding: 'utf8' }
    );
    if (build.status !== 0)
      throw new Error(`The services extension did not build:\n${build.stderr}`);
  }
  const built = fs
    .readdirSync(path.join(root, 'extensions'))
    .map(name => path.join(root, 'extensions', name, 'dist', 'static'))
    .filter(dir => fs.existsSync(path.join(dir, NOTICES)));
  expect(built).toContain(path.join(services, 'dist', 'static'));
  for (const dir of built) {
    const report = JSON.parse(fs.readFileSync(path.join(dir, REPORT), 'utf8'));
    const entries = noticeEntries(fs.readFileSync(path.join(dir, NOTICES), 'utf8'));
    expect(report.packages.length).toBeGreaterThan(0);
    for (const p of report.packages) {
      expect(p.extractedText.trim()).not.toBe('');
      expect(entries.get(p.name)).toEqual(expect.objectContaining({ licence: p.licenseId }));
    }
    expect(entries.size).toBe(report.packages.length);
  }
  const duckdb = noticeEntries(
    fs.readFileSync(path.join(services, 'dist', 'static', NOTICES), 'utf8')
  ).get('@duckdb/duckdb-wasm');
  expect(duckdb).toEqual(expect.objectContaining({ licence: 'MIT' }));
}, 600_000);
