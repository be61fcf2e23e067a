/**
 * Arrow IPC and Parquet bytes in the harmonised schema, with provenance in the file metadata.
 * Browser-safe: parquet-wasm resolves to its node build under node; in a browser or worker, call
 * parquet-wasm's default `init()` once before writing Parquet.
 */
import { Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { SCHEMA_VERSION } from '@odatis-vre/harmonised';
import type { ObservationColumns } from './schema';

/** Provenance of the source files behind a table, kept in file metadata. */
export interface Provenance {
  sourceFiles: {
    name: string;
    sha256: string;
    doi: string | null;
    licence: string | null;
    dataset: string;
    /** The column mapping a CSV was read through. */
    mapping?: unknown;
  }[];
}

export function provenanceMetadata(p: Provenance): Map<string, string> {
  const dois = [...new Set(p.sourceFiles.map(f => f.doi).filter((d): d is string => !!d))];
  const licences = [...new Set(p.sourceFiles.map(f => f.licence).filter((d): d is string => !!d))];
  return new Map([
    ['odatis.schema_version', SCHEMA_VERSION],
    ['odatis.source_files', JSON.stringify(p.sourceFiles)],
    ['odatis.doi', dois.join(' ')],
    ['odatis.licence', licences.join(' ')]
  ]);
}

function withMetadata(table: Table, meta: Map<string, string>): Table {
  const schema = table.schema;
  // Arrow JS keeps metadata on the Schema object; rebuild the table around a new one.
  const s = new Schema(schema.fields, new Map([...schema.metadata, ...meta]), schema.dictionaries);
  return new Table(s, table.batches);
}

/** Arrow IPC file bytes. */
export function toArrowIPC(obs: ObservationColumns, provenance: Provenance): Uint8Array {
  return tableToIPC(withMetadata(obs.toTable(), provenanceMetadata(provenance)), 'file');
}

/** Parquet bytes (zstd), readable by DuckDB, pyarrow and parquet-wasm. */
export function toParquet(obs: ObservationColumns, provenance: Provenance): Uint8Array {
  const table = withMetadata(obs.toTable(), provenanceMetadata(provenance));
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, 'stream'));
  const props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setKeyValueMetadata(provenanceMetadata(provenance))
    .setCreatedBy('odatis-vre @odatis-vre/sno')
    .build();
  return parquet.writeParquet(wasmTable, props);
}

/** Read Parquet bytes back as an Arrow table (tests, round trips). */
export function readParquet(bytes: Uint8Array): Table {
  return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
}
