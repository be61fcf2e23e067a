#!/usr/bin/env node
/**
 * A large synthetic COAST-HF export (one CSV, 10-minute records of one buoy, six parameters with their QC
 * columns), to measure the converter's memory on big files:
 *
 *   node bench/ingest/large-export.js --mb 1024 [--out bench/.cache/ingest/coasthf-1024mb.csv] [--convert]
 *
 * With --convert, the export (kept if already there) is then converted by the CLI (`odatis-vre convert
 * <file> --out <dir> --format parquet --quiet`, under /usr/bin/time -v) and the run printed: every
 * minute its resident memory, CPU, bytes read and the staging folder's size, then peak RSS, wall and
 * CPU time, the load average (before, during, after) and the output's rows and bytes. Asserts nothing.
 *
 * Written line by line through a stream (the generator itself holds no more than a few MB); values come from a
 * seeded generator, so the same size gives the same file. The file is under bench/.cache (git-ignored). The
 * header is the one the test fixtures write (`coastHfHeader`, @odatis-vre/sno/testing): run `npx tsc -b` first.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { coastHfHeader } = require('../../packages/sno/lib/testing.js');
const { processTimes } = require('../../scripts/cpu-time');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : fallback;
};
const mb = Number(arg('mb', '1024'));
const convert = args.includes('--convert');
const out = path.resolve(
  arg('out', path.join(__dirname, '..', '.cache', 'ingest', `coasthf-${mb}mb.csv`))
);

const PARAMS = [
  ['TEMP', 'degree_Celsius', 14, 4],
  ['PSAL', 'psu', 34, 1],
  ['TURB', 'NTU', 5, 3],
  ['FLU2', 'mg/m3', 2, 1.5],
  ['DOX1', 'ml/l', 6, 0.5],
  ['PHPH', '1', 8.1, 0.05]
];

async function generate() {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stream = fs.createWriteStream(out);
  const write = s => (stream.write(s) ? null : new Promise(r => stream.once('drain', r)));
  const header = coastHfHeader(PARAMS.map(([code, unit]) => ({ code, unit })));
  let bytes = 0;
  let text = header.join(',') + '\n';
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const limit = mb * 1e6;
  let time = Date.UTC(2008, 0, 1);
  let records = 0;
  while (bytes < limit) {
    const day = (time / 86400000) % 365.25;
    const cells = [
      'SMILE',
      new Date(time).toISOString().slice(0, 19) + 'Z',
      '49.3458',
      '-0.3239',
      (1 + random()).toFixed(2),
      '1'
    ];
    for (const [, , mean, amplitude] of PARAMS) {
      // One value in 200 missing (empty cell, QC 9), one in 500 flagged bad.
      const r = random();
      if (r < 0.005) cells.push('', '9');
      else {
        const v = mean + amplitude * Math.sin((2 * Math.PI * day) / 365.25) + (random() - 0.5);
        cells.push(v.toFixed(3), r < 0.007 ? '4' : '1');
      }
    }
    text += cells.join(',') + '\n';
    records++;
    time += 600000;
    if (text.length > 1 << 20) {
      bytes += text.length;
      await write(text);
      text = '';
    }
  }
  bytes += text.length;
  await write(text);
  await new Promise(r => stream.end(r));
  console.log(
    `${out}: ${(bytes / 1e6).toFixed(0)} MB, ${records} records, ` +
      `${new Date(Date.UTC(2008, 0, 1)).toISOString().slice(0, 10)} to ${new Date(time).toISOString().slice(0, 10)}`
  );
}

/** A process's resident memory (now, peak) in bytes and CPU seconds, from /proc; null once it is gone. */
function sample(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = key =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    return {
      rss: kb('VmRSS'),
      hwm: kb('VmHWM'),
      cpu: processTimes(pid).own,
      read: Number(/^rchar: (\d+)/m.exec(io)[1])
    };
  } catch {
    return null;
  }
}

/** Bytes of the files under a folder (0 when there is none). */
function folderBytes(dir) {
  let bytes = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
      if (e.isFile()) bytes += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  } catch {
    // gone between listing and stat: the conversion moved on
  }
  return bytes;
}

const gb = b =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
const load = () => os.loadavg()[0].toFixed(1);

/** Convert the export with the CLI, sampling it every 15 s; prints the measurements. */
async function convertExport() {
  const dir = path.join(path.dirname(out), `converted-${mb}mb`);
  fs.rmSync(dir, { recursive: true, force: true });
  const cli = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'odatis-vre.js');
  const size = fs.statSync(out).size;
  const loads = [Number(load())];
  console.log(
    `converting ${out} (${gb(size)}) into ${dir}; load ${load()} (${os.cpus().length} cores)`
  );
  const started = Date.now();
  const time = spawn(
    '/usr/bin/time',
    ['-v', process.execPath, cli, 'convert', out, '--out', dir, '--format', 'parquet', '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let stderr = '';
  time.stderr.on('data', d => (stderr += d));
  time.stdout.on('data', () => {});
  let last = null;
  let tick = 0;
  const staging = () =>
    fs
      .readdirSync(path.dirname(dir))
      .filter(n => n.startsWith(`${path.basename(dir)}.staging-`))
      .reduce((a, n) => a + folderBytes(path.join(path.dirname(dir), n)), 0);
  const timer = setInterval(() => {
    const child = Number(
      fs.readFileSync(`/proc/${time.pid}/task/${time.pid}/children`, 'utf8').trim().split(' ')[0]
    );
    const s = child ? sample(child) : null;
    if (!s) return;
    last = s;
    loads.push(Number(load()));
    if (++tick % 4) return;
    console.log(
      `  ${((Date.now() - started) / 60000).toFixed(1)} min: RSS ${gb(s.rss)} (peak ${gb(s.hwm)}), ` +
        `CPU ${(s.cpu / 60).toFixed(1)} min, read ${gb(s.read)} (${((100 * s.read) / size).toFixed(0)} % of ` +
        `the export; it is read twice, then the spill), staging ${gb(staging())}, load ${load()}`
    );
  }, 15000);
  const code = await new Promise(r => time.on('exit', r));
  clearInterval(timer);
  const wall = (Date.now() - started) / 1000;
  const field = name => new RegExp(`${name}: (.*)`).exec(stderr)?.[1];
  const cpu = Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'));
  const peak = Number(field('Maximum resident set size \\(kbytes\\)')) * 1024;
  loads.push(Number(load()));
  fs.writeFileSync(path.join(path.dirname(out), `convert-${mb}mb.time.txt`), stderr);
  if (code !== 0) {
    console.log(stderr);
    throw new Error(`the conversion failed (exit ${code})`);
  }
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8'));
  const rows = catalog.parquetFiles.reduce((a, f) => a + f.rowCount, 0);
  const b = report.bounded;
  console.log(
    `converted ${gb(size)} in ${(wall / 60).toFixed(1)} min wall, ${(cpu / 60).toFixed(1)} min CPU ` +
      `(${((100 * cpu) / wall).toFixed(0)} % of a core); peak RSS ${gb(peak)} (last sample ${gb(last?.rss ?? 0)})\n` +
      `  load average: ${loads[0]} before, ${(loads.reduce((a, x) => a + x, 0) / loads.length).toFixed(1)} mean, ` +
      `${Math.max(...loads)} max, ${loads[loads.length - 1]} after\n` +
      `  ${report.totals.valuesWritten} values written (${report.totals.valuesRejected} rejected, ` +
      `${report.totals.valuesMissing} missing-coded), ${rows} rows in ${catalog.parquetFiles.length} partitions, ` +
      `Parquet ${gb(folderBytes(path.join(dir, 'parquet')))}\n` +
      (b
        ? `  bounded: ${b.rowsSpilled} rows spilled in ${b.spills} spills, ${gb(b.spillBytes)} on disk; ` +
          `read in pieces: ${b.filesInPieces.join(', ') || 'none'}`
        : '  converted in memory (not over the bounded threshold)')
  );
}

async function main() {
  if (!convert || !fs.existsSync(out)) await generate();
  if (convert) await convertExport();
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
