/**
 * What the blocks of a DuckDB database file hold, from native DuckDB's own introspection
 * (`pragma_storage_info` for the column segments of each table, `pragma_metadata_info` for the metadata
 * blocks), to say what a range request read: the file header, metadata (the catalogue, the tables' row-group
 * and column pointers with their statistics) or a column's data.
 */
const { DuckDBInstance } = require('@duckdb/node-api');

/** DuckDB's file starts with three 4 KB headers; block i follows at HEADER + i × block size. */
const HEADER_BYTES = 3 * 4096;

/**
 * The blocks of database file `file`: `{ blockBytes, blocks: Map(block id → { kind: 'metadata' | 'data',
 * what: Set of 'table.column' }), rowGroups: Map(table → count) }`.
 */
async function databaseBlocks(file) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`ATTACH '${file.replace(/'/g, "''")}' AS f (READ_ONLY)`);
    const rows = async sql => (await conn.runAndReadAll(sql)).getRowObjects();
    const [{ block_size: blockBytes }] = await rows(
      `SELECT block_size FROM pragma_database_size() WHERE database_name = 'f'`
    );
    const blocks = new Map();
    const mark = (id, kind, what) => {
      const b = blocks.get(id) ?? { kind, what: new Set() };
      b.what.add(what);
      blocks.set(id, b);
    };
    for (const m of await rows(`SELECT block_id FROM pragma_metadata_info('f')`)) {
      mark(Number(m.block_id), 'metadata', 'metadata');
    }
    const rowGroups = new Map();
    const tables = await rows(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'f'`);
    for (const { table_name: table } of tables) {
      const segments = await rows(
        `SELECT column_name, block_id, additional_block_ids, row_group_id FROM pragma_storage_info('f.${table}')
          WHERE persistent AND block_id >= 0`
      );
      rowGroups.set(table, new Set(segments.map(s => Number(s.row_group_id))).size);
      for (const s of segments) {
        const ids = [s.block_id, ...(s.additional_block_ids?.items ?? [])].map(Number);
        for (const id of ids) mark(id, 'data', `${table}.${s.column_name}`);
      }
    }
    return { blockBytes: Number(blockBytes), blocks, rowGroups };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Range requests (`{ offset, bytes }`) mapped onto `layout` (from `databaseBlocks`): bytes and requests of
 * the header, of metadata blocks, and of each column's data blocks (a block shared by several columns counts
 * for each of them, its bytes for the first one).
 */
function classifyReads(log, layout) {
  const out = new Map();
  const add = (key, bytes, request) => {
    const e = out.get(key) ?? { requests: 0, bytes: 0 };
    e.bytes += bytes;
    e.requests += request;
    out.set(key, e);
  };
  for (const r of log) {
    if (r.offset < HEADER_BYTES) {
      add('file header', Math.min(r.bytes, HEADER_BYTES - r.offset), 1);
      if (r.offset + r.bytes <= HEADER_BYTES) continue;
    }
    const from = Math.max(r.offset, HEADER_BYTES);
    const first = Math.floor((from - HEADER_BYTES) / layout.blockBytes);
    const last = Math.floor((r.offset + r.bytes - 1 - HEADER_BYTES) / layout.blockBytes);
    let request = 1;
    for (let id = first; id <= last; id++) {
      const lo = Math.max(from, HEADER_BYTES + id * layout.blockBytes);
      const hi = Math.min(r.offset + r.bytes, HEADER_BYTES + (id + 1) * layout.blockBytes);
      const block = layout.blocks.get(id);
      const key = !block
        ? 'free block'
        : block.kind === 'metadata'
          ? 'metadata'
          : [...block.what].sort().join(' + ');
      add(key, hi - lo, request);
      request = 0;
    }
  }
  return [...out].sort((a, b) => b[1].bytes - a[1].bytes);
}

module.exports = { HEADER_BYTES, databaseBlocks, classifyReads };
