#!/usr/bin/env node
// The third-party licences of what a build bundles. JupyterLab's builder writes `third-party-licenses.json`
// (license-webpack-plugin: each bundled package's name, version, SPDX id and licence file's text) beside a
// prebuilt extension's and the host's bundles; a package that ships no licence file (json-schema-merge-allof,
// @duckdb/duckdb-wasm, @jupyterlab/services…) is listed there with an empty text. This completes the report
// for those from their package.json (declared SPDX licence, author, repository) and writes THIRD-PARTY-NOTICES.txt
// beside it: one plain-text entry per bundled package, which the wheel and the embedded site carry.
// Usage: node scripts/third-party-notices.js <folder holding third-party-licenses.json> <resolve-from folder>
const fs = require('fs');
const path = require('path');

const REPORT = 'third-party-licenses.json';
const NOTICES = 'THIRD-PARTY-NOTICES.txt';
const LICENCE_FILE = /^(licen[cs]e|copying|notice)([-._].*)?$/i;

/** The folder of an installed package, looked up in node_modules from `from` upwards (as node does). */
function packageDir(name, from) {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

const personName = person =>
  typeof person === 'string' ? person : person && person.name ? person.name : null;

function repositoryUrl(pkg) {
  const repo = pkg.repository;
  const url = typeof repo === 'string' ? repo : repo && repo.url;
  if (url) {
    return url
      .replace(/^git\+/, '')
      .replace(/^git:\/\//, 'https://')
      .replace(/^github:/, 'https://github.com/')
      .replace(/\.git$/, '');
  }
  return pkg.homepage || null;
}

/**
 * The notice of one package: its licence files' text when it ships any, else what its package.json declares
 * (SPDX licence, author, repository), said as such.
 */
function packageNotice(name, from, reportedLicence = '') {
  const dir = packageDir(name, from);
  if (!dir) throw new Error(`${name} is bundled but not installed (looked up from ${from})`);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const files = fs
    .readdirSync(dir)
    .filter(f => LICENCE_FILE.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort();
  const text = files.map(f => fs.readFileSync(path.join(dir, f), 'utf8').trim()).join('\n\n');
  const declaredId =
    typeof pkg.license === 'string'
      ? pkg.license
      : Array.isArray(pkg.licenses)
        ? pkg.licenses.map(l => l.type).join(' OR ')
        : '';
  // A package without a declared licence (khroma) still ships its licence file: its text says it.
  const licenceId =
    declaredId || reportedLicence || (files.length ? `see ${files.join(', ')}` : '');
  if (!licenceId) {
    throw new Error(
      `${name} ${pkg.version} declares no licence and ships no licence file (${dir})`
    );
  }
  const repository = repositoryUrl(pkg);
  const author = personName(pkg.author);
  const declared = [
    `${name} ${pkg.version} ships no licence file. Its package.json declares the licence ${licenceId} (SPDX)` +
      (author ? `, author ${author}` : '') +
      '.',
    repository ? `Source and licence: ${repository}` : null
  ]
    .filter(Boolean)
    .join('\n');
  return {
    name,
    version: pkg.version,
    licenceId,
    text: text || declared,
    fromFile: files.length > 0,
    repository
  };
}

/** The notices file: one entry per package, its name, version and licence, then the licence text. */
function noticesText(title, entries) {
  const rule = '-'.repeat(78);
  return [
    `Third-party software bundled in ${title}`,
    `${entries.length} packages, each with its licence (the text of its licence file, or what its package.json`,
    'declares when it ships none).',
    '',
    ...entries.flatMap(e => [
      rule,
      `${e.name} ${e.version}`,
      `License: ${e.licenceId}`,
      ...(e.repository ? [`Repository: ${e.repository}`] : []),
      '',
      e.text,
      ''
    ])
  ].join('\n');
}

/**
 * Completes `<dir>/third-party-licenses.json` (an empty licence text gets the package's declared licence and
 * repository) and writes `<dir>/THIRD-PARTY-NOTICES.txt`; returns the entries. Packages are looked up from `from`.
 */
function writeNotices(dir, from, title) {
  const reportFile = path.join(dir, REPORT);
  if (!fs.existsSync(reportFile)) throw new Error(`No licence report ${reportFile}: build first`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const entries = report.packages.map(p => {
    const notice = packageNotice(p.name, from, p.licenseId);
    if (p.extractedText && p.extractedText.trim()) notice.text = p.extractedText.trim();
    p.licenseId ||= notice.licenceId;
    p.extractedText = notice.text;
    return notice;
  });
  fs.writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, NOTICES), noticesText(title, entries));
  return entries;
}

module.exports = { NOTICES, REPORT, packageNotice, writeNotices };

if (require.main === module) {
  const [dir, from = '.', title = path.basename(path.resolve(from))] = process.argv.slice(2);
  try {
    const entries = writeNotices(dir, from, title);
    const declared = entries.filter(e => !e.fromFile).map(e => e.name);
    console.log(
      `  ${path.join(dir, NOTICES)}: ${entries.length} packages` +
        (declared.length ? ` (without a licence file: ${declared.join(', ')})` : '')
    );
  } catch (error) {
    console.error(`third-party notices: ${error.message}`);
    process.exit(1);
  }
}
