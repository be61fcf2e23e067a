/**
 * Read-ahead for the files DuckDB-WASM reads over HTTP (the harmonised database file). DuckDB asks for one
 * block at a time (16 KB to 256 KB) and the browser runtime turns each ask into one synchronous range
 * request. Here reads are kept in pages; what is missing and adjacent is fetched in one request; a read
 * that continues the previous one (a sequential scan) fetches ahead, twice as far each time up to
 * `maxAheadBytes`, while a read elsewhere fetches only what it asks for (bytes cost as much as requests
 * on a busy machine: measured in bench/README.md). Recent pages are kept (least recently used first out),
 * so the next query finds them without a round trip.
 */

/** How far to read ahead, and how much of what was read to keep. */
export interface ReadAheadOptions {
  /** Most bytes fetched beyond a sequential read (0: fetch only what is asked, still cached). */
  maxAheadBytes?: number;
  /** Bytes kept per engine, least recently used dropped first. */
  cacheBytes?: number;
  /** Unit of caching: DuckDB's file header is 3 pages of 4 KB and its blocks 256 KB, so 4 KB aligns. */
  pageBytes?: number;
}

/**
 * No read-ahead by default: bench:scale measured DuckDB's reads of a station-year as mostly not sequential
 * (87 requests without read-ahead, 80 with up to 1 MB, for 9.4 MB and 17.5 MB), and on a busy machine every
 * byte costs (see bench/README.md). The pages are still cached: the same query again reads nothing.
 */
export const READ_AHEAD: Readonly<Required<ReadAheadOptions>> = {
  maxAheadBytes: 0,
  cacheBytes: 64 << 20,
  pageBytes: 4096
};

/** Fetch bytes [start, end) of `url`; may return fewer at the end of the file, never more. */
export type RangeFetcher = (url: string, start: number, end: number) => Uint8Array;

/** Counts, for benchmarks and tests. */
export interface ReadAheadStats {
  reads: number;
  requests: number;
  bytesFetched: number;
}

interface FileState {
  /** Where the previous read ended, to recognise a sequential one. */
  lastEnd: number;
  /** Pages to fetch ahead of the next sequential read. */
  ahead: number;
  /** Pages past the end of the file are never asked for again. */
  endPage: number;
}

export class ReadAheadCache {
  readonly options: Readonly<Required<ReadAheadOptions>>;
  readonly stats: ReadAheadStats = { reads: 0, requests: 0, bytesFetched: 0 };
  // Map iteration order is insertion order: re-inserting on use makes the first key the least recent.
  private readonly pages = new Map<string, Uint8Array>();
  private readonly files = new Map<string, FileState>();
  /** What the server said of each file when it was last opened (see `opened`). */
  private readonly versions = new Map<string, string>();
  private kept = 0;

  constructor(
    private readonly fetchRange: RangeFetcher,
    options: ReadAheadOptions = {}
  ) {
    this.options = { ...READ_AHEAD, ...options };
    if (!(this.options.pageBytes > 0)) {
      throw new RangeError(
        `read-ahead page must be a positive byte count, found ${this.options.pageBytes}`
      );
    }
  }

  /** Bytes [location, location + bytes) of `url`, fewer only at the end of the file. */
  read(url: string, location: number, bytes: number): Uint8Array {
    this.stats.reads++;
    const size = this.options.pageBytes;
    const state = this.files.get(url) ?? { lastEnd: -1, ahead: 0, endPage: Infinity };
    this.files.set(url, state);
    const maxAhead = Math.floor(this.options.maxAheadBytes / size);
    state.ahead =
      location === state.lastEnd
        ? Math.min(Math.max(state.ahead * 2, Math.ceil(bytes / size)), maxAhead)
        : 0;
    state.lastEnd = location + bytes;
    const first = Math.floor(location / size);
    const last = Math.min(Math.floor((location + bytes - 1) / size), state.endPage);
    const parts: Uint8Array[] = [];
    for (let k = first; k <= last;) {
      const cached = this.take(url, k);
      if (cached) {
        parts.push(cached);
        k++;
        continue;
      }
      // Every missing page up to the next cached one, and ahead of a sequential read, in one request.
      let end = k + 1;
      const until = Math.min(last + state.ahead, state.endPage);
      while (end <= until && !this.pages.has(key(url, end))) end++;
      const data = this.fetchRange(url, k * size, end * size);
      this.stats.requests++;
      this.stats.bytesFetched += data.length;
      for (let j = k; j < end; j++) {
        // A copy, so that dropping one page frees its memory.
        const page = data.slice((j - k) * size, (j - k + 1) * size);
        if (page.length === 0) break;
        this.keep(url, j, page);
        if (j <= last) parts.push(page);
      }
      if (data.length < (end - k) * size) {
        state.endPage = k + Math.floor(data.length / size);
        break;
      }
      k = end;
    }
    return slice(parts, location - first * size, bytes);
  }

  /**
   * `url` was opened again, and its server says it is `version` (size and modification time): what was read
   * of it is kept if it was read from that same version, else forgotten.
   */
  opened(url: string, version: string): void {
    if (this.versions.get(url) !== version) this.forget(url);
    this.versions.set(url, version);
  }

  /** Forget what was read from `url` (it may have changed). */
  forget(url: string): void {
    this.versions.delete(url);
    this.files.delete(url);
    for (const [k, v] of this.pages) {
      if (k.startsWith(`${url}\n`)) {
        this.pages.delete(k);
        this.kept -= v.length;
      }
    }
  }

  private take(url: string, index: number): Uint8Array | undefined {
    const k = key(url, index);
    const found = this.pages.get(k);
    if (found) {
      this.pages.delete(k);
      this.pages.set(k, found);
    }
    return found;
  }

  private keep(url: string, index: number, data: Uint8Array): void {
    this.pages.set(key(url, index), data);
    this.kept += data.length;
    for (const [k, v] of this.pages) {
      if (this.kept <= this.options.cacheBytes) break;
      this.pages.delete(k);
      this.kept -= v.length;
    }
  }
}

function key(url: string, index: number): string {
  return `${url}\n${index}`;
}

/** `bytes` bytes from `offset` of the concatenation of `parts` (fewer if they end before). */
function slice(parts: Uint8Array[], offset: number, bytes: number): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(Math.max(0, Math.min(bytes, total - offset)));
  let at = 0; // position in the concatenation
  for (const p of parts) {
    const from = Math.max(offset - at, 0);
    const to = Math.min(offset + out.length - at, p.length);
    if (to > from) out.set(p.subarray(from, to), at + from - offset);
    at += p.length;
  }
  return out;
}
