/** Test helpers: where the shared data is, scratch directories, fixture round trips. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  IngestError,
  readSnoFile,
  type IngestIssue,
  type NativeFile,
  type ReadOptions
} from '../src';

export const repoRoot = path.resolve(__dirname, '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');

/** Files of a shared-data folder; fails with a clear message when shared/data is not beside the repo. */
export function sharedFiles(folder: string): string[] {
  const dir = path.join(sharedData, folder);
  if (!fs.existsSync(dir)) {
    throw new Error(
      `shared data not found at ${dir}: the repo must sit beside shared/ (../shared/data from the repo root)`
    );
  }
  return fs
    .readdirSync(dir)
    .filter(f => !f.startsWith('.') && !/^readme/i.test(f))
    .sort()
    .map(f => path.join(dir, f));
}

export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `odatis-sno-${prefix}-`));
}

export const sha = (p: string): string =>
  createHash('sha256').update(fs.readFileSync(p)).digest('hex');

/**
 * A file written by a fixture generator reads back into exactly the values generated: same count, and
 * for each value the same line, number, unit, flag, time, site, parameter and taxon.
 */
export function checkRoundTrip(f: NativeFile, options: ReadOptions = {}): void {
  const r = readSnoFile(f.name, f.bytes, options);
  const rows = r.observations;
  expect(r.report.valuesRejected).toBe(0);
  expect(rows.length).toBe(f.expected.length);
  const got = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const o = rows.row(i);
    got.set(`${o.source_row}|${o.source_column}|${o.taxon}|${o.taxon_qualifier}`, i);
  }
  const problems: string[] = [];
  const seen = new Set<number>();
  f.expected.forEach(e => {
    // Wide layouts name the column; long layouts name the parameter code.
    const i = [...got.entries()].find(
      ([k]) => k.startsWith(`${e.line}|${e.column}|${e.taxon}|`) && !seen.has(got.get(k)!)
    )?.[1];
    if (i === undefined) {
      problems.push(`line ${e.line} ${e.column}: not found`);
      return;
    }
    seen.add(i);
    const o = rows.row(i);
    const want = {
      value: e.value,
      unit: e.unit,
      quality: e.quality,
      source_flag: e.source_flag,
      time: e.time,
      site_id: e.site_id,
      parameter: e.parameter
    };
    const have = {
      value: o.value,
      unit: o.unit,
      quality: o.quality,
      source_flag: o.source_flag,
      time: o.time,
      site_id: o.site_id,
      parameter: o.parameter
    };
    if (JSON.stringify(want) !== JSON.stringify(have))
      problems.push(
        `line ${e.line} ${e.column}: ${JSON.stringify(have)} != ${JSON.stringify(want)}`
      );
  });
  expect(problems.slice(0, 5)).toEqual([]);
}

/** The located error a file that cannot be read is refused with (its file named in the issue and message). */
export function fatal(name: string, bytes: Uint8Array, options: ReadOptions = {}): IngestIssue {
  try {
    readSnoFile(name, bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    const issue = (e as IngestError).issue;
    expect(issue.file).toBe(name);
    expect((e as Error).message).toContain(name);
    return issue;
  }
  throw new Error(`${name}: expected an IngestError`);
}
