/**
 * Issue #15, finding 7: the CLI on hostile input and interruption, run as a user would (the real
 * `bin/odatis-vre.js`, a real signal). Needs the workspace built (`npx tsc -b`).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { coastHfFixture, somlitFixture } from '@odatis-vre/sno/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const bin = path.resolve(__dirname, '../bin/odatis-vre.js');

function run(...args: string[]): {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-cli-hostile-'));

test('a 200 MB file of one line: refused after reading a few MB, with the line, no heap crash', () => {
  const dir = tmp();
  const file = path.join(dir, 'one-line.csv');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(1 << 20, 0x61); // "aaaa…", no line end
  for (let k = 0; k < 200; k++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  const r = run('check', file);
  expect(r.signal).toBeNull();
  expect(r.code).toBe(1); // a failed file, not 134 (V8 out of memory)
  expect(r.stdout).toContain(
    '✗ one-line.csv, line 1: expected lines of at most 4194304 bytes (a data record), found a longer line, from byte 0 of the file (line-too-long)'
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SIGINT during convert: the staging folder is removed, nothing written, exit 130; stale ones are swept', async () => {
  const dir = tmp();
  expect(
    run('synth', '--out', path.join(dir, 'synth'), '--seed', '3', '--years', '2000-2015').code
  ).toBe(0);
  const out = path.join(dir, 'out');
  const child = spawn(
    process.execPath,
    [bin, 'convert', path.join(dir, 'synth', 'native'), '--out', out, '--quiet'],
    {
      cwd: repoRoot
    }
  );
  let stderr = '';
  child.stderr.on('data', d => (stderr += d));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  // Interrupt while the output is being written: once its staging folder exists.
  const staging = (): string[] => fs.readdirSync(dir).filter(n => n.startsWith('out.staging-'));
  const t0 = Date.now();
  while (staging().length === 0) {
    if (Date.now() - t0 > 120_000) throw new Error('no staging folder appeared within 2 minutes');
    await new Promise(r => setTimeout(r, 20));
  }
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain(
    'SIGINT: stopping — nothing will be written, the partial output is removed'
  );
  expect(stderr).toContain(
    'convert interrupted by SIGINT: nothing written, the staging folder removed.'
  );
  expect(fs.readdirSync(dir).sort()).toEqual(['synth']);

  // A run killed outright (no chance to clean up) leaves its folder; the next run sweeps it.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  fs.mkdirSync(path.join(dir, `out.staging-${dead}-0badf00d`, 'parquet'), { recursive: true });
  const r = run('convert', path.join(dir, 'synth', 'native'), '--out', out, '--quiet');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    `swept out.staging-${dead}-0badf00d: left by an interrupted run (process ${dead}), removed`
  );
  expect(fs.readdirSync(dir).sort()).toEqual(['out', 'synth']);
});

test("re-converting into a dataset folder holding a user's file: refused, the file and the dataset kept", () => {
  const dir = tmp();
  const f = somlitFixture('hydro', 2, 4);
  const src = path.join(dir, f.name);
  fs.writeFileSync(src, f.bytes);
  const out = path.join(dir, 'out');
  expect(run('convert', src, '--out', out, '--quiet').code).toBe(0);
  fs.writeFileSync(path.join(out, 'analysis.ipynb'), '{}');
  const before = fs.readFileSync(path.join(out, 'catalog.json'), 'utf8');
  const r = run('convert', src, '--out', out, '--quiet');
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    'holds files the converter did not write (analysis.ipynb); refusing to replace it — move them elsewhere, or convert into another folder'
  );
  expect(fs.readFileSync(path.join(out, 'analysis.ipynb'), 'utf8')).toBe('{}');
  expect(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8')).toBe(before);
});

test('a UTF-16 file is read and its encoding said; 1e-400 is rejected and a NaN latitude noted', () => {
  const dir = tmp();
  const somlit = somlitFixture('hydro', 3, 3);
  const utf16 = path.join(dir, 'unicode-text.csv');
  fs.writeFileSync(
    utf16,
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(new TextDecoder().decode(somlit.bytes), 'utf16le')
    ])
  );
  const coast = coastHfFixture(4, 2);
  const lines = new TextDecoder().decode(coast.bytes).split('\n');
  const cells = lines[1].split(',');
  cells[2] = 'NaN';
  cells[6] = '1e-400';
  lines[1] = cells.join(',');
  const hf = path.join(dir, 'buoy.csv');
  fs.writeFileSync(hf, lines.join('\n'));
  const r = run('check', utf16, hf);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    `✓ unicode-text.csv [somlit, SOMLIT-hydro, BOM, utf-16le]: 3 rows read`
  );
  expect(r.stdout).toContain(
    'buoy.csv, line 2, column "TEMP (degree_Celsius)": expected a number a float64 can hold (|x| between 1e-308 and 1.8e308, or 0), found "1e-400" (out-of-range)'
  );
  expect(r.stdout).toContain(
    'note (1×): latitude not given ("NaN"): the site register\'s position is used, if any'
  );
});

test.each([
  [['--sites', 'abc'], '--sites expects a whole number of SOMLIT sites from 1 to 12; found "abc"'],
  [['--sites', '0'], '--sites expects a whole number of SOMLIT sites from 1 to 12; found "0"'],
  [['--sites', '13'], '--sites expects a whole number of SOMLIT sites from 1 to 12; found "13"'],
  [['--years', '2022-1998'], '--years runs backwards (2022 after 1998); give the first year first'],
  [['--years', '1998'], '--years expects a range like 1998-2022; found "1998"'],
  [['--seed', '1.5'], '--seed expects an integer; found "1.5"']
])('synth %j is a usage error', (args, message) => {
  const dir = tmp();
  const r = run('synth', '--out', path.join(dir, 's'), ...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`synth: ${message}`);
  expect(fs.existsSync(path.join(dir, 's'))).toBe(false);
});

describe('an output folder that cannot be made ends at once with the path and why (exit ≠ 0)', () => {
  // Every case fails for root too. Bounded so that a spin (node's recursive mkdir under /proc) fails the test.
  const runBounded = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL'
    });
    return { code: r.status, signal: r.signal, stderr: r.stderr };
  };
  const dir = tmp();
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'not a folder');
  const longName = path.join(dir, 'x'.repeat(300));

  test.each([
    [
      '/proc/odatis-x',
      '/proc/odatis-x could not be made, the file system of /proc does not let folders be made there'
    ],
    [
      '/proc/odatis-x/deeper',
      '/proc/odatis-x could not be made, the file system of /proc does not let folders be made there'
    ],
    [file, `${file} is a file, not a folder (expected a folder or nothing there)`],
    [
      path.join(file, 'sub'),
      `${file} is a file, not a folder (expected a folder or nothing there)`
    ],
    [longName, `${longName} could not be made, the name is too long`]
  ])('synth --out %s', (out, why) => {
    const r = runBounded('synth', '--out', out, '--years', '2000-2001', '--sites', '1');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`synth: cannot make the output folder ${out}: ${why}`);
  });

  test('convert --out /proc/…: refused before reading, nothing written', () => {
    const f = somlitFixture('hydro', 2, 2);
    const src = path.join(dir, f.name);
    fs.writeFileSync(src, f.bytes);
    const r = runBounded('convert', src, '--out', '/proc/odatis-x', '--quiet');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /convert failed, nothing written: cannot make the output folder \/proc\/odatis-x: \/proc\/odatis-x\.staging-\d+-[0-9a-f]+ could not be made, the file system of \/proc does not let folders be made there/
    );
  });
});
