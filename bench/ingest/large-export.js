#!/usr/bin/env node
/**
 * A large synthetic COAST-HF export (one CSV, 10-minute records of one buoy, six parameters with their QC
 * columns), to measure the converter's memory on big files:
 *
 *   node bench/ingest/large-export.js --mb 1024 [--out bench/.cache/ingest/coasthf-1024mb.csv]
 *   /usr/bin/time -v node packages/cli/lib/main.js convert <file> --out <dir> --format parquet --quiet
 *
 * Written line by line through a stream (the generator itself holds no more than a few MB); values come from a
 * seeded generator, so the same size gives the same file. The file is under bench/.cache (git-ignored). The
 * header is the one the test fixtures write (`coastHfHeader`, @odatis-vre/sno/testing): run `npx tsc -b` first.
 */
const fs = require('node:fs');
const path = require('node:path');
const { coastHfHeader } = require('../../packages/sno/lib/testing.js');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : fallback;
};
const mb = Number(arg('mb', '1024'));
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

async function main() {
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

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
