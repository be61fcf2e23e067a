/**
 * The rows of a conversion, held per sno × site × year partition within a budget of rows in memory (node
 * only). Past the budget, the partitions holding most rows are spilled to a scratch folder as Arrow IPC
 * (one stream per spill, length-prefixed, appended to the partition's file) and read back, in order, when
 * the partition is written: memory follows the budget and the largest partition, not the input's size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { comparePartitionKeys, partitionKey } from './assemble';
import { ObservationColumns } from './schema';

interface Held {
  /** Rows not spilled yet, the newest. */
  memory: ObservationColumns;
  /** Rows on disk, older than those in memory. */
  spilled: number;
  file: string;
}

export class PartitionSpool {
  private readonly parts = new Map<string, Held>();
  private held = 0;
  /** Rows written to the scratch folder, and how many spills wrote them. */
  spilledRows = 0;
  spills = 0;

  constructor(
    /** Scratch folder (created when first needed; the caller removes it). */
    readonly dir: string,
    /** Rows held in memory before the largest partitions are spilled. */
    readonly budgetRows: number
  ) {}

  /** Rows in reading order: each goes to its partition, after the rows added before. */
  add(obs: ObservationColumns): void {
    const byKey = new Map<string, number[]>();
    const sno = obs.column('sno');
    const site = obs.column('site_id');
    const time = obs.column('time');
    for (let i = 0; i < obs.length; i++) {
      const key = partitionKey(sno[i], site[i], time[i]);
      let a = byKey.get(key);
      if (!a) byKey.set(key, (a = []));
      a.push(i);
    }
    for (const [key, indices] of byKey) {
      let part = this.parts.get(key);
      if (!part) {
        part = {
          memory: new ObservationColumns(),
          spilled: 0,
          file: path.join(this.dir, `${this.parts.size}.arrows`)
        };
        this.parts.set(key, part);
      }
      part.memory.append(obs, indices);
    }
    this.held += obs.length;
    if (this.held > this.budgetRows) this.spillLargest();
  }

  /** Spill the partitions holding most rows until at most half the budget stays in memory. */
  private spillLargest(): void {
    const largest = [...this.parts.values()].sort((a, b) => b.memory.length - a.memory.length);
    for (const part of largest) {
      if (this.held <= this.budgetRows / 2 || part.memory.length === 0) break;
      const ipc = tableToIPC(part.memory.toTable(), 'stream');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(ipc.length);
      fs.mkdirSync(this.dir, { recursive: true });
      fs.appendFileSync(part.file, Buffer.concat([length, ipc]));
      this.held -= part.memory.length;
      this.spilledRows += part.memory.length;
      this.spills++;
      part.spilled += part.memory.length;
      part.memory = new ObservationColumns();
    }
  }

  /** Partition keys, in the order partitions are written. */
  keys(): string[] {
    return [...this.parts.keys()].sort(comparePartitionKeys);
  }

  /** Every row of a partition in reading order (spilled ones read back), then forgotten. */
  take(key: string): ObservationColumns {
    const part = this.parts.get(key);
    if (!part) throw new Error(`no partition ${JSON.stringify(key)} in the spool`);
    this.parts.delete(key);
    this.held -= part.memory.length;
    if (!part.spilled) return part.memory;
    const rows = new ObservationColumns();
    const bytes = fs.readFileSync(part.file);
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readUInt32LE(at);
      rows.append(
        ObservationColumns.fromTable(tableFromIPC(bytes.subarray(at + 4, at + 4 + length)))
      );
      at += 4 + length;
    }
    fs.rmSync(part.file);
    if (rows.length !== part.spilled)
      throw new Error(
        `${part.file}: ${part.spilled} rows spilled, ${rows.length} read back (the scratch folder was changed)`
      );
    rows.append(part.memory);
    return rows;
  }
}
