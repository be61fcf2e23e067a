/** Read-ahead of http files: every read gives the file's own bytes, in fewer and larger requests. */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ReadAheadCache, type RangeFetcher } from '../src/read-ahead';
import { scratchDir } from './fixtures';

const KB = 1024;
const SIZE = 5 * 1024 * KB + 123; // not a multiple of the window: the last window is short

/** A real file on disk, read by byte ranges as a server answers them (fewer bytes at the end). */
function fileSource(): { bytes: Uint8Array; fetch: RangeFetcher; requests: [number, number][] } {
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 2654435761) >>> 24;
  const file = path.join(scratchDir(), 'blocks.bin');
  writeFileSync(file, bytes);
  const requests: [number, number][] = [];
  const fetch: RangeFetcher = (_url, start, end) => {
    requests.push([start, end]);
    const out = new Uint8Array(Math.max(0, Math.min(end, SIZE) - start));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, out, 0, out.length, start);
    } finally {
      closeSync(fd);
    }
    return out;
  };
  return { bytes, fetch, requests };
}

it('answers block reads with the file bytes, and reads ahead only of sequential reads', () => {
  const { bytes, fetch, requests } = fileSource();
  const cache = new ReadAheadCache(fetch, { maxAheadBytes: 1024 * KB, cacheBytes: 64 * 1024 * KB });
  const expectRead = (location: number, n: number): void =>
    expect(Buffer.from(cache.read('u', location, n))).toEqual(
      Buffer.from(bytes.subarray(location, location + n))
    );
  // A read somewhere: exactly its pages.
  expectRead(12 * KB, 256 * KB);
  expect(requests).toEqual([[12 * KB, 268 * KB]]);
  // The next block: sequential, so 256 KB more are fetched with it; then twice as far, up to 1 MB.
  expectRead(268 * KB, 256 * KB);
  expect(requests[1]).toEqual([268 * KB, 780 * KB]);
  expectRead(524 * KB, 256 * KB); // already there
  expectRead(780 * KB, 256 * KB);
  expect(requests[2]).toEqual([780 * KB, 1036 * KB + 1024 * KB]);
  expect(requests).toHaveLength(3);
  // Elsewhere again: no read-ahead; a read across a cached page and missing ones asks only for the missing.
  expectRead(4 * KB, 20 * KB);
  expect(requests[3]).toEqual([4 * KB, 12 * KB]);
  // The end of the file: a short last page; a read past the end gives what there is.
  expectRead(SIZE - 50, 50);
  expect(Buffer.from(cache.read('u', SIZE - 20, 100))).toEqual(
    Buffer.from(bytes.subarray(SIZE - 20))
  );
  expect(requests.slice(4)).toEqual([[5120 * KB, 5124 * KB]]);
  expect(cache.stats.requests).toBe(requests.length);
});

it('keeps at most cacheBytes, dropping the least recently used page, and forgets a reopened file', () => {
  const { bytes, fetch, requests } = fileSource();
  const cache = new ReadAheadCache(fetch, { maxAheadBytes: 0, cacheBytes: 8 * KB });
  cache.read('u', 0, 10); // page 0
  cache.read('u', 40 * KB, 10); // page 10
  cache.read('u', 5, 10); // page 0 used again: page 10 is now the least recent
  cache.read('u', 80 * KB, 10); // page 20 pushes page 10 out
  expect(requests).toHaveLength(3);
  cache.read('u', 20, 10);
  expect(requests).toHaveLength(3);
  expect(Buffer.from(cache.read('u', 40 * KB + 3, 10))).toEqual(
    Buffer.from(bytes.subarray(40 * KB + 3, 40 * KB + 13))
  );
  expect(requests).toHaveLength(4);
  cache.forget('u');
  cache.read('u', 0, 10);
  expect(requests).toHaveLength(5);
});

it('keeps the pages of a file opened again unchanged, and forgets them when its size or date changed', () => {
  const { bytes, fetch, requests } = fileSource();
  const cache = new ReadAheadCache(fetch, { maxAheadBytes: 0 });
  cache.opened('u', `${SIZE} bytes, modified 1`);
  cache.read('u', 0, 4 * KB);
  // DuckDB opens the file again while it attaches it: same size, same date, the header is not read again.
  cache.opened('u', `${SIZE} bytes, modified 1`);
  expect(Buffer.from(cache.read('u', 0, 4 * KB))).toEqual(Buffer.from(bytes.subarray(0, 4 * KB)));
  expect(requests).toHaveLength(1);
  // The server now says another date: the file may have changed, it is read again.
  cache.opened('u', `${SIZE} bytes, modified 2`);
  cache.read('u', 0, 4 * KB);
  expect(requests).toHaveLength(2);
  cache.opened('u', `${SIZE + 1} bytes, modified 2`);
  cache.read('u', 0, 4 * KB);
  expect(requests).toHaveLength(3);
});
