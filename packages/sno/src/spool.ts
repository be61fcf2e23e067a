/**
 * The rows of a conversion, held per sno × site × year partition within a budget of rows in memory (node
 * only). Each value goes straight to its partition's columns (typed arrays, text dictionary-encoded as it
 * comes: ObservationColumns), copied once. Past the budget, the partitions holding most rows are spilled to a scratch folder as Arrow IPC
 * streams, deflated (one frame per spill, appended to the partition's file: ≈ 1/22 of the IPC bytes, the
 * dictionary keys and constant columns compress well), and given back, in order, as the Arrow IPC the
 * Parquet writer takes: memory follows the budget, not the input's size, and rows are never decoded back
 * into JavaScript values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { tableToIPC } from 'apache-arrow';
import { COLUMNS, type ColumnName, type Observation } from '@odatis-vre/harmonised';
import { comparePartitionKeys, partitionKey, yearOf } from './assemble';
import type { ValueTarget } from './report';
import { ObservationColumns } from './schema';

interface Held {
  /** Rows not spilled yet, the newest. */
  memory: ObservationColumns;
  /** Rows on disk, older than those in memory. */
  spilled: number;
  file: string;
  /** The source files of the partition's rows (its provenance). */
  sources: Set<string>;
  /** The source file of the last row (most rows repeat it). */
  lastSource: string | null;
}

/** A spill frame's header: deflated length, then rows, both u32 little-endian. */
const FRAME_HEADER = 8;

export class PartitionSpool implements ValueTarget {
  private readonly parts = new Map<string, Held>();
  private held = 0;
  /** The partition of the last row, and what it takes to be in it: most rows follow the one before. */
  private last: { part: Held; sno: string; siteId: string; from: number; to: number } | null = null;
  /** The row `pushParts` fills, reused. */
  private readonly row = Object.fromEntries(COLUMNS.map(c => [c, null])) as unknown as Record<
    ColumnName,
    unknown
  >;
  /** Rows written to the scratch folder, how many spills wrote them, and their bytes on disk. */
  spilledRows = 0;
  spills = 0;
  spilledBytes = 0;

  constructor(
    /** Scratch folder (created when first needed; the caller removes it). */
    readonly dir: string,
    /** Rows held in memory before the largest partitions are spilled. */
    readonly budgetRows: number,
    /** Called with each row as it comes, in reading order (the catalogue's tally). */
    private readonly onRow?: (row: Observation) => void
  ) {}

  /**
   * One value as a reader keeps it (`part`: its fields, `base`: those of its record; absent is null),
   * straight to its partition: a ReadContext's `values` target.
   */
  pushParts(part: Partial<Observation>, base?: Partial<Observation>): void {
    const row = this.row;
    for (const c of COLUMNS) {
      let v = part[c];
      if (v === undefined && base) v = base[c];
      row[c] = v === undefined ? null : v;
    }
    this.push(row as unknown as Observation);
  }

  /** Rows in reading order: each goes to its partition, after the rows added before. */
  add(obs: ObservationColumns): void {
    const row = this.row;
    const cols = COLUMNS.map(c => obs.column(c) as readonly unknown[]);
    for (let i = 0; i < obs.length; i++) {
      for (let c = 0; c < COLUMNS.length; c++) row[COLUMNS[c]] = cols[c][i];
      this.push(row as unknown as Observation);
    }
  }

  /** One row (read at once: the caller may reuse the object) to its partition. */
  private push(row: Observation): void {
    const t = row.time;
    let last = this.last;
    if (
      !last ||
      t < last.from ||
      t >= last.to ||
      row.site_id !== last.siteId ||
      row.sno !== last.sno
    ) {
      const key = partitionKey(row.sno, row.site_id, t);
      let part = this.parts.get(key);
      if (!part) {
        part = {
          memory: new ObservationColumns(),
          spilled: 0,
          file: path.join(this.dir, `${this.parts.size}.arrows`),
          sources: new Set(),
          lastSource: null
        };
        this.parts.set(key, part);
      }
      const [from, to] = yearOf(t);
      last = { part, sno: row.sno, siteId: row.site_id, from, to };
      // A time with no year (none is written, but never trust it): no shortcut for the next row.
      this.last = Number.isFinite(from) ? last : null;
    }
    const part = last.part;
    part.memory.push(row);
    if (row.source_file !== part.lastSource) {
      part.sources.add(row.source_file);
      part.lastSource = row.source_file;
    }
    this.onRow?.(row);
    if (++this.held > this.budgetRows) this.spillLargest();
  }

  /** Spill the partitions holding most rows until at most half the budget stays in memory. */
  private spillLargest(): void {
    const largest = [...this.parts.values()].sort((a, b) => b.memory.length - a.memory.length);
    for (const part of largest) {
      if (this.held <= this.budgetRows / 2 || part.memory.length === 0) break;
      const deflated = deflateRawSync(tableToIPC(part.memory.toTable(), 'stream'), { level: 1 });
      const header = Buffer.alloc(FRAME_HEADER);
      header.writeUInt32LE(deflated.length, 0);
      header.writeUInt32LE(part.memory.length, 4);
      fs.mkdirSync(this.dir, { recursive: true });
      fs.appendFileSync(part.file, Buffer.concat([header, deflated]));
      this.held -= part.memory.length;
      this.spilledRows += part.memory.length;
      this.spilledBytes += FRAME_HEADER + deflated.length;
      this.spills++;
      part.spilled += part.memory.length;
      part.memory = new ObservationColumns();
    }
  }

  /** Partition keys, in the order partitions are written. */
  keys(): string[] {
    return [...this.parts.keys()].sort(comparePartitionKeys);
  }

  /** Rows of a partition, spilled or not. */
  rowCount(key: string): number {
    const part = this.partition(key);
    return part.spilled + part.memory.length;
  }

  /** The source files of a partition's rows. */
  sources(key: string): ReadonlySet<string> {
    return this.partition(key).sources;
  }

  /**
   * Every row of a partition in reading order, as Arrow IPC streams in the harmonised schema: the spilled
   * ones read back frame by frame, then those in memory. The partition is forgotten as they are given.
   */
  *take(key: string): Generator<Uint8Array> {
    const part = this.partition(key);
    this.parts.delete(key);
    if (this.last?.part === part) this.last = null;
    this.held -= part.memory.length;
    if (part.spilled) {
      let rows = 0;
      const fd = fs.openSync(part.file, 'r');
      try {
        const header = Buffer.alloc(FRAME_HEADER);
        for (let at = 0; fs.readSync(fd, header, 0, FRAME_HEADER, at) === FRAME_HEADER;) {
          const deflated = Buffer.alloc(header.readUInt32LE(0));
          if (fs.readSync(fd, deflated, 0, deflated.length, at + FRAME_HEADER) !== deflated.length)
            throw new Error(
              `${part.file}: a spill frame ends early (the scratch folder was changed)`
            );
          rows += header.readUInt32LE(4);
          at += FRAME_HEADER + deflated.length;
          yield inflateRawSync(deflated);
        }
      } finally {
        fs.closeSync(fd);
      }
      fs.rmSync(part.file);
      if (rows !== part.spilled)
        throw new Error(
          `${part.file}: ${part.spilled} rows spilled, ${rows} read back (the scratch folder was changed)`
        );
    }
    if (part.memory.length) yield tableToIPC(part.memory.toTable(), 'stream');
  }

  private partition(key: string): Held {
    const part = this.parts.get(key);
    if (!part) throw new Error(`no partition ${JSON.stringify(key)} in the spool`);
    return part;
  }
}
