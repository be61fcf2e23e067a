/**
 * Every rejected value of a conversion on disk goes to rejected.jsonl beside report.json as it is met (in
 * memory and within bounded memory alike): report.json keeps the counts per reason and the first
 * REJECTED_IN_REPORT, the file every one. Round-tripped here on a COAST-HF export with more rejections
 * than the report lists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REJECTED_FILE, REJECTED_IN_REPORT, readSnoFile, type FileReport } from '../src';
import {
  RejectionLog,
  convertFiles,
  formatFileResult,
  readRejections,
  type ConvertOptions
} from '../src/node';
import { coastHfFixture } from '../src/testing';
import type { IngestIssue } from '../src/errors';
import { scratch } from './helpers';

const now = new Date(Date.UTC(2026, 10, 30));

/** A COAST-HF export (two years, hourly) whose value and flag cells are damaged on many records. */
function damagedExport(dir: string): { file: string; damaged: number } {
  const lines = Buffer.from(coastHfFixture(3, 24 * 120).bytes)
    .toString('utf8')
    .split('\n');
  let damaged = 0;
  for (let k = 1; k < lines.length; k++) {
    const cells = lines[k].split(',');
    if (cells.length < 8) continue;
    // Every other record: a word for the first value (when there is one); on every fifth of the others, an
    // unknown flag.
    if (k % 2 === 0 && cells[6] !== '') {
      cells[6] = `n/a ${k}`;
      damaged++;
    } else if (k % 5 === 0 && cells[6] !== '') {
      cells[7] = 'Q';
      damaged++;
    }
    lines[k] = cells.join(',');
  }
  const file = path.join(dir, 'buoy-damaged.csv');
  fs.writeFileSync(file, lines.join('\n'));
  return { file, damaged };
}

async function readAll(file: string): Promise<IngestIssue[]> {
  const out: IngestIssue[] = [];
  for await (const issue of readRejections(file)) out.push(issue);
  return out;
}

const countByReason = (issues: IngestIssue[]): Record<string, number> => {
  const n: Record<string, number> = {};
  for (const i of issues) n[i.reason] = (n[i.reason] ?? 0) + 1;
  return n;
};

test.each<[string, ConvertOptions]>([
  ['in memory', {}],
  [
    'within bounded memory (in pieces, spilled)',
    { boundedAbove: 0, pieceChars: 3000, memoryRows: 700 }
  ]
])(
  'every rejected value is in rejected.jsonl, report.json lists the first ones and the counts (%s)',
  async (_, options) => {
    const dir = scratch('rejections');
    const { file, damaged } = damagedExport(dir);
    // What the reader rejects when it keeps every rejection in its report (no file given).
    const whole = readSnoFile(path.basename(file), fs.readFileSync(file)).report;
    expect(whole.rejectedFile).toBeNull();
    expect(whole.rejected.length).toBe(whole.valuesRejected);
    expect(whole.valuesRejected).toBeGreaterThan(REJECTED_IN_REPORT);
    expect(whole.valuesRejected).toBeGreaterThanOrEqual(damaged);

    const out = path.join(dir, 'out');
    const report = await convertFiles([file], out, { formats: ['parquet'], now, ...options });
    expect(report.written).toBe(true);
    expect(Boolean(report.bounded)).toBe(options.boundedAbove === 0);
    const written = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
      files: { report: FileReport }[];
    };
    const r = written.files[0].report;
    expect(r.rejectedFile).toBe(REJECTED_FILE);
    expect(r.rejected).toEqual(whole.rejected.slice(0, REJECTED_IN_REPORT));
    expect(r.rejectedByReason).toEqual(whole.rejectedByReason);

    const all = await readAll(path.join(out, REJECTED_FILE));
    // Every rejected value, in the order met, with file, line, column, expected, found and reason.
    expect(all).toEqual(whole.rejected);
    expect(all.length).toBe(r.valuesRejected);
    expect(countByReason(all)).toEqual(r.rejectedByReason);
    expect(r.valuesWritten + r.valuesRejected + r.valuesMissing).toBe(r.valuesRead);
    expect(report.catalog!.rowCount).toBe(r.valuesWritten);

    // The terminal summary sends the reader to the file for the rest.
    expect(formatFileResult(report.files[0])).toContain(
      `… ${r.valuesRejected - 20} more in ${REJECTED_FILE}`
    );
    // The file is the converter's own: converting again replaces the dataset.
    const again = await convertFiles([file], out, { formats: ['parquet'], now, ...options });
    expect(again.totals).toEqual(report.totals);
    expect(await readAll(path.join(out, REJECTED_FILE))).toEqual(all);
  }
);

test('a conversion that writes nothing says its report lists only the first rejected values', async () => {
  const dir = scratch('rejections-strict');
  const { file } = damagedExport(dir);
  const broken = path.join(dir, 'broken.csv');
  fs.writeFileSync(broken, 'this is no export\n');
  const report = await convertFiles([file, broken], path.join(dir, 'out'), {
    strict: true,
    now
  });
  expect(report.written).toBe(false);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  const r = report.files[0].report!;
  expect(r.rejectedFile).toBeNull();
  expect(r.rejected.length).toBe(REJECTED_IN_REPORT);
  expect(formatFileResult(report.files[0])).toContain(
    `more in no file (nothing was written; the first ${REJECTED_IN_REPORT} are in the report)`
  );
});

test('RejectionLog: a file that fails has its rejected values taken back', async () => {
  const dir = scratch('rejections-log');
  const log = new RejectionLog(path.join(dir, REJECTED_FILE));
  const issue = (file: string, line: number): IngestIssue => ({
    file,
    line,
    column: 'TEMP',
    expected: 'a number',
    found: `"x${line}"`,
    reason: 'not-a-number'
  });
  log.add(issue('a.csv', 2));
  const mark = log.mark();
  for (let k = 0; k < 50_000; k++) log.add(issue('b.csv', k));
  log.rollback(mark);
  log.add({ ...issue('c.csv', 3), column: undefined });
  log.close();
  const noColumn: IngestIssue = issue('c.csv', 3);
  delete noColumn.column;
  expect(await readAll(path.join(dir, REJECTED_FILE))).toEqual([issue('a.csv', 2), noColumn]);
  expect(log.lines).toBe(2);
});
