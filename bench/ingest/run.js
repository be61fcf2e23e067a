#!/usr/bin/env node
/**
 * Ingestion benchmark: odatis-vre conversion (native export → harmonised long Parquet,
 * hive-partitioned) against native DuckDB doing the same work on the same files (read the export, melt
 * it to one row per value, write Parquet partitioned by sno/site/year: `nativeConversionSql`), measured
 * in the same run. Prints MB/s, rows/s and the throughput ratio; asserts nothing.
 *
 *   npx tsc -b && node bench/ingest/run.js [--repeat 3]
 *
 * Inputs: every file in ../shared/data, and the full synthetic dataset (12 sites × 25 years).
 * MB are source bytes as read (gzip files count compressed and uncompressed separately).
 * Rows: long rows written by each (values; DuckDB keeps every numeric value, the converter may reject some).
 */
const { option } = require('../../scripts/args');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { gunzipSync } = require('node:zlib');
const { DuckDBInstance } = require('@duckdb/node-api');
const { generateSynthetic, readSnoFile } = require('../../packages/sno/lib/index.js');
const { convertFiles } = require('../../packages/sno/lib/node.js');
const { loadAverage } = require('../../scripts/cpu-time');

const repoRoot = path.resolve(__dirname, '../..');
const shared = path.resolve(repoRoot, '../shared/data');
const repeat = Number(option('--repeat')) || 3;

function sharedInputs() {
  if (!fs.existsSync(shared)) throw new Error(`shared data not found at ${shared}`);
  return ['phytobs', 'gravelines'].flatMap(d =>
    fs
      .readdirSync(path.join(shared, d))
      .sort()
      .map(f => path.join(shared, d, f))
  );
}

function synthInputs(dir) {
  const ds = generateSynthetic({ seed: 1 });
  return ds.files.map(f => {
    const p = path.join(dir, f.name);
    fs.writeFileSync(p, f.bytes);
    return p;
  });
}

const sql = v => `'${String(v).replace(/'/g, "''")}'`;

/** The first lines of a file (gzip undone), to learn its layout as a reader would from its header. */
function headLines(p, n = 12) {
  const bytes = p.endsWith('.gz') ? gunzipSync(fs.readFileSync(p)) : fs.readFileSync(p);
  return bytes
    .subarray(0, 1 << 16)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(0, n);
}

/**
 * The same work as the conversion, in native DuckDB SQL: read the export, melt it to the long schema
 * (one row per value: sno, site_id, site_name, time, depth, parameter or taxon, value, quality, year) and
 * write Parquet partitioned by sno/site/year. Only the header lines are read in JavaScript (to name the
 * columns, as DuckDB cannot read multi-line headers); every data row is DuckDB's work.
 */
function nativeConversionSql(p, target) {
  const lines = headLines(p);
  const csv = `read_csv(${sql(p)}, delim=';', header=false, all_varchar=true, null_padding=true, strict_mode=false`;
  let rows;
  if (lines[0].startsWith('//')) {
    // SOMLIT: two comment lines, the header, a units line, data. Each measured column X has a quality qX.
    const header = lines[2].split(';');
    const measured = header.filter(c => header.includes(`q${c}`));
    const names = header.map((_, k) => `c${k}`);
    const col = name => `c${header.indexOf(name)}`;
    const skip = lines.findIndex((l, k) => k > 3 && /^\d/.test(l));
    rows = `
      SELECT 'SOMLIT' AS sno, ${col('ID_SITE')} AS site_id, ${col('nomSite*')} AS site_name,
             strptime(${col('DATE')} || ' ' || ${col('HEURE')}, '%Y-%m-%d %H:%M:%S') AS time,
             TRY_CAST(${col('PROF_NUM')} AS DOUBLE) AS depth, parameter, NULL AS taxon,
             TRY_CAST(value AS DOUBLE) AS value, TRY_CAST(quality AS INTEGER) AS quality
        FROM (UNPIVOT (SELECT * FROM ${csv}, skip=${skip}, names=[${names.map(sql).join(', ')}]))
              ON ${measured.map(m => `(${col(m)}, ${col(`q${m}`)}) AS ${sql(m).replace(/'/g, '"')}`).join(', ')}
              INTO NAME parameter VALUE value, quality)
       WHERE TRY_CAST(value AS DOUBLE) <> 999999`;
  } else if (lines[0].startsWith('station')) {
    // PELAGOS wide: a header, sub-header lines starting with ';' (taxon_user names the taxon columns), data.
    const header = lines[0].split(';');
    const taxonLine = lines.find(l => /;taxon_user(;|$)/.test(l)).split(';');
    const width = Math.max(header.length, taxonLine.length);
    // Taxa are the columns after taxon_user; cytometry files name theirs in the header (Val_*) instead.
    const valueColumns = header.flatMap((h, k) => (/^Val_/.test(h) ? [k] : []));
    const after = taxonLine.indexOf('taxon_user') + 1;
    const columns =
      after < width ? Array.from({ length: width - after }, (_, k) => after + k) : valueColumns;
    const taxonNames = columns.map(k => taxonLine[k] || header[k]);
    const names = Array.from({ length: width }, (_, k) => `c${k}`);
    const skip = 1 + lines.slice(1).findIndex(l => !l.startsWith(';'));
    const taxa = columns.map((c, k) => `(${sql(`c${c}`)}, ${sql(taxonNames[k])})`);
    rows = `
      SELECT 'PHYTOBS' AS sno, c2 AS site_id, c1 AS site_name,
             strptime(c5 || ' ' || coalesce(nullif(c6, ''), '0:0'), '%d/%m/%Y %H:%M') AS time,
             TRY_CAST(c7 AS DOUBLE) AS depth, 'ABUNDANCE' AS parameter, t.taxon,
             TRY_CAST(w.value AS DOUBLE) AS value, NULL::INTEGER AS quality
        FROM (UNPIVOT (SELECT * FROM ${csv}, skip=${skip}, names=[${names.map(sql).join(', ')}]))
              ON ${columns.map(c => `c${c}`).join(', ')}
              INTO NAME col VALUE value) w
        JOIN (VALUES ${taxa.join(', ')}) t(col, taxon) USING (col)
       WHERE TRY_CAST(w.value AS DOUBLE) IS NOT NULL`;
  } else {
    // Quadrige/SEANOE: already one value per row; parameter or taxon named in a column.
    const header = lines[0].split(';');
    const names = header.map((_, k) => `c${k}`);
    const col = name => `c${header.indexOf(name)}`;
    const parameter = header.includes('Resultat...Code.parametre')
      ? `${col('Resultat...Code.parametre')} AS parameter, NULL AS taxon`
      : `'ABUNDANCE' AS parameter, ${col('Resultat...Nom.du.taxon.referent')} AS taxon`;
    rows = `
      SELECT 'IGA' AS sno, ${col('Lieu.de.surveillance...Libelle')} AS site_id,
             ${col('Lieu.de.surveillance...Libelle')} AS site_name,
             coalesce(try_strptime(${col('Passage...Date')} || ' ' || ${col('Passage...Heure')}, '%Y-%m-%d %H:%M:%S'),
                      strptime(${col('Passage...Date')}, '%Y-%m-%d')) AS time,
             NULL::DOUBLE AS depth, ${parameter},
             TRY_CAST(${col('Resultat...Valeur.de.la.mesure')} AS DOUBLE) AS value, NULL::INTEGER AS quality
        FROM ${csv}, skip=1, names=[${names.map(sql).join(', ')}])
       WHERE TRY_CAST(${col('Resultat...Valeur.de.la.mesure')} AS DOUBLE) IS NOT NULL`;
  }
  return `COPY (SELECT *, site_id AS site, year(time) AS year FROM (${rows}))
            TO ${sql(target)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (sno, site, year))`;
}

async function timeDuckDB(con, files, outDir) {
  let rows = 0;
  const t0 = process.hrtime.bigint();
  for (const [k, f] of files.entries()) {
    const r = await con.runAndReadAll(nativeConversionSql(f, path.join(outDir, `d${k}`)));
    rows += Number(r.getRows()[0][0]);
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
}

async function timeOurs(files, outDir) {
  const t0 = process.hrtime.bigint();
  const report = await convertFiles(files, outDir, { formats: ['parquet'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (report.totals.filesFailed)
    throw new Error('conversion failed: ' + JSON.stringify(report.files.filter(f => !f.ok)));
  return { seconds, rows: report.totals.valuesWritten };
}

/** Parsing alone (bytes in memory → harmonised columns), to separate reading from writing. */
function timeOursReadOnly(files) {
  const bytes = files.map(f => [path.basename(f), fs.readFileSync(f)]);
  const t0 = process.hrtime.bigint();
  let rows = 0;
  for (const [name, b] of bytes) rows += readSnoFile(name, b).report.valuesWritten;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
}

const sizes = files => {
  let disk = 0;
  let text = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    disk += b.length;
    text += f.endsWith('.gz') ? gunzipSync(b).length : b.length;
  }
  return { disk, text };
};

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-bench-'));
  const groups = [
    ['shared data (7 files)', sharedInputs()],
    ['synthetic 12 sites x 25 y', synthInputs(fs.mkdtempSync(path.join(tmp, 'synth-')))]
  ];
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run('SET threads = 1'); // same single core as the JS conversion
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, best of ${repeat}; DuckDB threads=1; ` +
      `load average ${loadAverage()}\n`
  );
  const fmt = (x, d = 1) => x.toFixed(d).padStart(8);
  console.log(
    'input                        engine       MB(text)  seconds    MB/s      rows/s   rows'
  );
  for (const [name, files] of groups) {
    const { disk, text } = sizes(files);
    let best = { ours: null, duck: null, read: null };
    for (let i = 0; i < repeat + 1; i++) {
      const dOut = fs.mkdtempSync(path.join(tmp, 'duck-'));
      const d = await timeDuckDB(con, files, dOut);
      const o = await timeOurs(files, path.join(fs.mkdtempSync(path.join(tmp, 'ours-')), 'out'));
      const rd = timeOursReadOnly(files);
      if (i === 0) continue; // warm-up
      if (!best.read || rd.seconds < best.read.seconds) best.read = rd;
      if (!best.duck || d.seconds < best.duck.seconds) best.duck = d;
      if (!best.ours || o.seconds < best.ours.seconds) best.ours = o;
    }
    for (const [engine, r] of [
      ['odatis-vre', best.ours],
      ['(read only)', best.read],
      ['duckdb', best.duck]
    ]) {
      console.log(
        `${name.padEnd(28)} ${engine.padEnd(11)} ${fmt(text / 1e6, 2)} ${fmt(r.seconds, 3)} ${fmt(text / 1e6 / r.seconds)} ${fmt(r.rows / r.seconds, 0)} ${String(r.rows).padStart(8)}`
      );
    }
    console.log(
      `${name.padEnd(28)} ratio      odatis-vre throughput / DuckDB throughput = ` +
        `${(best.duck.seconds / best.ours.seconds).toFixed(2)} (target >= 0.7: ` +
        `${best.duck.seconds / best.ours.seconds >= 0.7 ? 'met' : 'NOT met'}) ` +
        `(on-disk ${(disk / 1e6).toFixed(2)} MB)\n`
    );
  }
  console.log(`load average at the end: ${loadAverage()}`);
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch(e => {
    console.error(e);
    process.exitCode = 1;
  });
}

module.exports = { nativeConversionSql, sharedInputs, synthInputs };
