/**
 * Issue #15, finding 7 (library side): over-long lines stop reading early, UTF-16 is read, numbers a
 * float64 cannot hold are rejected, coordinates that are no numbers are noted, an interrupted run's
 * folders are swept, and a folder holding a user's own file is never replaced.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  IngestError,
  LineGuard,
  MAX_LINE_BYTES,
  FAST_GUNZIP_LIMIT,
  decodeBytes,
  outOfFloat64,
  parseNumber,
  readSnoFile,
  useFastGunzip
} from '../src';
import { convertFiles, nodeGunzip } from '../src/node';
import { coastHfFixture, somlitFixture } from '../src/testing';
import { scratch } from './helpers';

const issueOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return (e as IngestError).issue;
  }
  throw new Error('expected an IngestError');
};

describe('over-long lines', () => {
  test('the guard finds the line, across chunk boundaries, and says where it starts', () => {
    const guard = new LineGuard('x.csv', 10);
    guard.feed(new TextEncoder().encode('a;b\nccc'));
    guard.feed(new TextEncoder().encode('cccc\n'));
    const issue = issueOf(() => guard.feed(new TextEncoder().encode('dddddddddddd\n')));
    expect(issue).toMatchObject({ file: 'x.csv', line: 3, reason: 'line-too-long' });
    expect(issue.found).toBe('a longer line, from byte 12 of the file');
  });

  test('a gzipped single line is refused while it inflates, not after (fflate, as in a browser)', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_LINE_BYTES * 3, 0x61));
    expect(bomb.length).toBeLessThan(100_000);
    useFastGunzip(null);
    try {
      expect(issueOf(() => decodeBytes('bomb.csv.gz', bomb))).toMatchObject({
        line: 1,
        reason: 'line-too-long'
      });
    } finally {
      useFastGunzip(nodeGunzip);
    }
  });
});

describe("gzip inflated by node's zlib (the node entry point sets it)", () => {
  const both = <T>(f: () => T): [T, T] => {
    const fast = f();
    useFastGunzip(null);
    try {
      return [fast, f()];
    } finally {
      useFastGunzip(nodeGunzip);
    }
  };

  test('the same text as fflate gives, multi-member files whole', () => {
    const f = somlitFixture('hydro', 3, 40);
    const gz = Buffer.concat([gzipSync(f.bytes), gzipSync(Buffer.from('\n'))]);
    const [fast, chunked] = both(() => decodeBytes('somlit.csv.gz', gz));
    expect(fast).toEqual(chunked);
    expect(fast.text.trim()).toBe(new TextDecoder().decode(f.bytes).trim());
  });

  test('a truncated file is refused as without it', () => {
    const gz = gzipSync(somlitFixture('hydro', 3, 40).bytes);
    const cut = gz.subarray(0, gz.length - 50);
    const [fast, chunked] = both(() => issueOf(() => decodeBytes('cut.csv.gz', cut)));
    expect(fast).toEqual(chunked);
    expect(fast.reason).toBe('bad-gzip');
  });

  test(`a single line inflating past ${FAST_GUNZIP_LIMIT >> 20} MiB is refused by the chunked reading`, () => {
    const bomb = gzipSync(Buffer.alloc(FAST_GUNZIP_LIMIT + (1 << 20), 0x61));
    expect(nodeGunzip(bomb, FAST_GUNZIP_LIMIT)).toBeNull();
    expect(issueOf(() => decodeBytes('bomb.csv.gz', bomb))).toMatchObject({
      line: 1,
      reason: 'line-too-long'
    });
  });
});

describe('UTF-16 (what Excel saves as "Unicode text")', () => {
  const f = somlitFixture('hydro', 2, 4);
  const text = new TextDecoder().decode(f.bytes);
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();
  test.each([
    ['little-endian with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'utf-16le', true],
    ['little-endian without BOM', le, 'utf-16le', false],
    ['big-endian with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be', true],
    ['big-endian without BOM', be, 'utf-16be', false]
  ])('%s is read, and said', (_, bytes, encoding, bom) => {
    const r = readSnoFile(f.name, bytes);
    expect(r.report).toMatchObject({ encoding, bom, valuesWritten: f.expected.length });
  });
});

describe('numbers and coordinates that are no numbers are said, never 0 or null in silence', () => {
  test('parseNumber refuses what a float64 cannot hold', () => {
    expect(parseNumber('1e-400')).toBeNull();
    expect(parseNumber('1e400')).toBeNull();
    expect(parseNumber('0e-400')).toBe(0);
    expect(parseNumber('0.000')).toBe(0);
    expect(parseNumber('4.9e-324')).toBe(5e-324); // the smallest subnormal is a number
    expect(outOfFloat64('1e-400')).toBe(true);
    expect(outOfFloat64('abc')).toBe(false);
  });

  test('a value 1e-400 is rejected as out of range; a NaN latitude is noted', () => {
    const f = coastHfFixture(3, 2);
    const lines = new TextDecoder().decode(f.bytes).split('\n');
    const cells = lines[1].split(',');
    cells[2] = 'NaN';
    cells[6] = '1e-400';
    lines[1] = cells.join(',');
    const r = readSnoFile(f.name, new TextEncoder().encode(lines.join('\n'))).report;
    expect(r.rejected).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'TEMP (degree_Celsius)',
        found: '"1e-400"',
        reason: 'out-of-range'
      })
    ]);
    expect(r.warnings).toMatchObject({
      'latitude not given ("NaN"): the site register\'s position is used, if any': 1
    });
  });
});

describe('the output folder', () => {
  const somlit = somlitFixture('hydro', 5, 3);
  const setUp = (name: string) => {
    const dir = scratch(name);
    const src = path.join(dir, somlit.name);
    fs.writeFileSync(src, somlit.bytes);
    return { dir, src, out: path.join(dir, 'out') };
  };
  /** A process id that no process has any more. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

  test("a user's own file in an existing dataset folder: the conversion is refused, the file kept", async () => {
    const { src, out } = setUp('foreign');
    await convertFiles([src], out);
    fs.writeFileSync(path.join(out, 'notes.md'), 'mine');
    fs.mkdirSync(path.join(out, 'parquet', 'figures'));
    fs.writeFileSync(path.join(out, 'parquet', 'figures', 'map.png'), 'mine too');
    const catalog = fs.readFileSync(path.join(out, 'catalog.json'), 'utf8');
    await expect(convertFiles([src], out)).rejects.toThrow(
      /holds files the converter did not write \(notes\.md, parquet\/figures\/map\.png\); refusing to replace it/
    );
    expect(fs.readFileSync(path.join(out, 'notes.md'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8')).toBe(catalog);
    fs.rmSync(path.join(out, 'notes.md'));
    fs.rmSync(path.join(out, 'parquet', 'figures'), { recursive: true });
    expect((await convertFiles([src], out)).written).toBe(true); // nothing foreign: replaced
  });

  test("an interrupted run's staging folder is swept; its set-aside dataset is put back", async () => {
    const { dir, src, out } = setUp('sweep');
    const pid = deadPid();
    const stale = path.join(dir, `out.staging-${pid}-0badf00d`);
    fs.mkdirSync(path.join(stale, 'parquet'), { recursive: true });
    const report = await convertFiles([src], out);
    expect(fs.existsSync(stale)).toBe(false);
    expect(report.sweptStaging).toEqual([
      `out.staging-${pid}-0badf00d: left by an interrupted run (process ${pid}), removed`
    ]);
    // Killed between the two renames: the new dataset never arrived, the previous one is aside.
    const aside = path.join(dir, `out.old-${pid}-00c0ffee`);
    fs.renameSync(out, aside);
    const again = await convertFiles([src], out);
    expect(again.sweptStaging[0]).toMatch(
      /the previous dataset an interrupted run had set aside, put back as out/
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['out', somlit.name].sort());
  });

  test('an aborted conversion removes its staging folder and writes nothing', async () => {
    const { dir, src, out } = setUp('abort');
    const controller = new AbortController();
    const run = convertFiles([src], out, {
      signal: controller.signal,
      onProgress: p => {
        if (p.phase === 'write') controller.abort(new Error('stop'));
      }
    });
    await expect(run).rejects.toThrow('stop');
    expect(fs.readdirSync(dir)).toEqual([somlit.name]);
  });

  test("report.json names the sources relative to the inputs' folder, never by the machine's paths", async () => {
    const { dir, src, out } = setUp('relative');
    fs.mkdirSync(path.join(dir, 'more'));
    const other = somlitFixture('ctd', 6, 2);
    fs.writeFileSync(path.join(dir, 'more', other.name), other.bytes);
    await convertFiles([src, path.join(dir, 'more', other.name)], out);
    const report = fs.readFileSync(path.join(out, 'report.json'), 'utf8');
    expect(JSON.parse(report)).toMatchObject({
      outDir: '.',
      files: [{ path: somlit.name }, { path: `more/${other.name}` }]
    });
    expect(report).not.toContain(dir);
  });
});
