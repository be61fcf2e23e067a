/** Test helpers shared by the layout tests: text in the encodings exports use, values compared by what they are. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  invariantHolds,
  readSnoFile,
  type FileReport,
  type ObservationColumns,
  type ReadResult
} from '../src';
import { readInPieces, scanSource } from '../src/pieces';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Windows-1252: Latin-1 plus the typographic characters French text uses (’ œ – …). */
const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
  Œ: 0x8c,
  œ: 0x9c
};
export function cp1252(s: string): Uint8Array {
  return Uint8Array.from([...s], c => {
    const b = CP1252_EXTRA[c] ?? c.charCodeAt(0);
    if (b > 255) throw new Error(`not in Windows-1252: ${c}`);
    return b;
  });
}

/** The bytes of a fixture as text (REPHY is ISO-8859-1, the others UTF-8). */
export function textOf(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export function read(file: string, bytes: Uint8Array): ReadResult {
  const r = readSnoFile(file, bytes);
  expectAccounted(r.report);
  return r;
}

/** Every non-empty value cell is written, rejected or a missing-value code, record by record. */
export function expectAccounted(rep: FileReport): void {
  expect(rep.cellsSeen).toBe(rep.valuesWritten + rep.valuesRejected + rep.valuesMissing);
  expect(rep.valuesRead).toBe(rep.valuesWritten + rep.valuesRejected + rep.valuesMissing);
  expect(invariantHolds(rep)).toBe(true);
}

/**
 * Every written value by what it is, whatever the header's spelling or the column's position: line,
 * parameter, taxon and its qualifier, number, unit, time, site, depth, quality and flag.
 */
export function valuesOf(o: ObservationColumns): string[] {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) {
    const x = o.row(i);
    out.push(
      [
        x.source_row,
        x.parameter,
        x.taxon,
        x.taxon_qualifier,
        x.aphia_id,
        x.value,
        x.unit,
        x.time,
        x.time_flag,
        x.site_id,
        x.depth,
        x.quality,
        x.source_flag
      ].join('|')
    );
  }
  return out.sort();
}

/**
 * Read a file both ways, whole and in pieces of ~`piece` characters (written into `dir`): the same values,
 * counts and rejections. Returns the whole read.
 */
export async function readBothWays(
  dir: string,
  name: string,
  bytes: Uint8Array,
  piece = 3000
): Promise<ReadResult> {
  const whole = read(name, bytes);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const scanned = await scanSource(file, name);
  expect(scanned.pieces).not.toBeNull();
  const taken: string[] = [];
  const ctx = await readInPieces(file, name, scanned, o => taken.push(...valuesOf(o)), {}, piece);
  expectAccounted(ctx.report);
  expect(taken.sort()).toEqual(valuesOf(whole.observations));
  const counts = (r: FileReport) => [
    r.linesRead,
    r.rowsRead,
    r.valuesWritten,
    r.valuesRejected,
    r.valuesMissing,
    r.encoding,
    r.bom
  ];
  expect(counts(ctx.report)).toEqual(counts(whole.report));
  expect(ctx.report.rejected).toEqual(whole.report.rejected);
  return whole;
}
