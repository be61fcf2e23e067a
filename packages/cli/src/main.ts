/**
 * odatis-vre command line.
 *   odatis-vre convert <files or directories…> --out <dir> [--strict] [--format parquet,arrow] [--json]
 *   odatis-vre synth --out <dir> [--seed N] [--years 1998-2022] [--sites 12] [--convert]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import {
  DEFAULT_SITE_REGISTER,
  REJECTED_FILE,
  SOMLIT_SITES,
  checkCsvMapping,
  generateSynthetic,
  invariantHolds,
  parseCsvMapping,
  parseSiteRegister,
  type CsvMapping,
  type ReadOptions
} from '@odatis-vre/sno';
import {
  convertFiles,
  formatFileResult,
  makeFolder,
  readFiles,
  type ConvertReport
} from '@odatis-vre/sno/node';

export const USAGE = `odatis-vre — harmonise SNO observation exports

Usage:
  odatis-vre convert <files or directories…> --out <dir> [options]
      Convert native exports (PHYTOBS Pelagos, Quadrige/REPHY/SEANOE, SOMLIT, COAST-HF; gzip ok;
      format recognised from content) and ERDDAP tabledap responses into <dir>: hive-partitioned Parquet
      (parquet/sno=/site=/year=), observations.arrow, catalog.json and report.json.
      The output directory is replaced atomically; sources are never modified.
      Inputs over 32 MiB are converted within bounded memory (COAST-HF read in pieces,
      partitions spilled to disk), Parquet only.
      --strict            write nothing if any file fails
      --format <list>     parquet,arrow (default both; parquet for inputs over 32 MiB)
      --json              print the report as JSON instead of text
      --quiet             no progress bar
      --site-register <file.json>
                          stations of this deployment, added to the built-in register: a JSON
                          array of {siteId, name, latitude, longitude, aliases, somlitId?}
      --mapping <file.json>
                          read files that are no native SNO export as CSV tables through this
                          column mapping (see packages/sno/README.md), or give it as flags:
      --map-sno <SNO> --map-time <col> [--map-time-format iso|yyyy-mm-dd|dd/mm/yyyy]
      [--map-time-of-day <col>] --map-station <col> | --map-station-name <name>
      [--map-depth <col>] [--map-lat <col>] [--map-lon <col>] [--map-sample <col>]
      --map-value <col>=<PARAMETER>[:<unit>] (repeat) [--map-ignore <col>] (repeat)
      [--map-missing <text>] (repeat) [--map-dataset <id>] [--map-decimal-comma]
      ERDDAP tabledap responses (.csv with its units line, .csvp, .parquet) need no mapping.
  odatis-vre check <files or directories…> [--site-register <file.json>] [--mapping …]
      Read and report (format, rows, values, rejections) without writing anything.
  odatis-vre synth --out <dir> [--seed N] [--years 1998-2022] [--sites 1-12] [--convert]
      Write the synthetic ground-truth dataset (SOMLIT-layout hydrology, PHYTOBS-layout counts,
      truth.json); --convert also converts it into <dir>/converted.
  odatis-vre help
`;

/** Files given directly, and the files inside directories (recursively; hidden files and README skipped). */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  for (const p of inputs) {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      for (const e of fs
        .readdirSync(p, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name.startsWith('.') || /^readme/i.test(e.name)) continue;
        const full = path.join(p, e.name);
        if (e.isDirectory()) out.push(...expandInputs([full]));
        else if (e.isFile()) out.push(full);
      }
    } else out.push(p); // missing files are reported by convertFiles, with their name
  }
  return out;
}

/** Levenshtein distance, to suggest the option a mistyped one meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
    previous = current;
  }
  return previous[b.length];
}

type ParseConfig = Parameters<typeof parseArgs>[0] & { options: Record<string, unknown> };

/**
 * node:util's parseArgs, with its errors said for a person: the option not understood, the one it
 * probably meant, the options the command takes, and where to read more.
 */
function parseCommandArgs<T extends ParseConfig>(command: string, config: T) {
  try {
    return parseArgs(config);
  } catch (e) {
    const error = e as Error & { code?: string };
    const names = Object.keys(config.options).map(name => `--${name}`);
    const help = `see "odatis-vre help" for the options of ${command}`;
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /option '([^']+)'/i.exec(error.message)?.[1] ?? '';
      const nearest = names
        .map(name => ({ name, distance: editDistance(given.replace(/=.*$/, ''), name) }))
        .sort((a, b) => a.distance - b.distance)[0];
      const meant = nearest && nearest.distance <= 2 ? ` Did you mean ${nearest.name}?` : '';
      throw new Error(
        `unknown option "${given}".${meant} ${command} takes ${names.join(', ')}; ${help}`
      );
    }
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(error.message);
      if (missing) throw new Error(`${missing[1]} needs a value after it; ${help}`);
    }
    throw new Error(`${error.message.replace(/\.$/, '')}; ${help}`);
  }
}

/** The text of a file an option names; a missing or unreadable file is said with the option and the folder. */
function readOptionFile(option: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `no such file in ${path.resolve(path.dirname(file))}`
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : (e as Error).message;
    throw new Error(`--${option} ${file}: cannot read it (${why})`);
  }
}

/** Options shared by convert and check: what the readers are given. */
const READ_OPTIONS = {
  'site-register': { type: 'string' },
  mapping: { type: 'string' },
  'map-sno': { type: 'string' },
  'map-dataset': { type: 'string' },
  'map-time': { type: 'string' },
  'map-time-format': { type: 'string' },
  'map-time-of-day': { type: 'string' },
  'map-station': { type: 'string' },
  'map-station-name': { type: 'string' },
  'map-depth': { type: 'string' },
  'map-lat': { type: 'string' },
  'map-lon': { type: 'string' },
  'map-sample': { type: 'string' },
  'map-value': { type: 'string', multiple: true },
  'map-ignore': { type: 'string', multiple: true },
  'map-missing': { type: 'string', multiple: true },
  'map-decimal-comma': { type: 'boolean' }
} as const;

type ReadFlags = {
  [K in keyof typeof READ_OPTIONS]?: (typeof READ_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof READ_OPTIONS)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** What the readers are given, from the command's options (bad files or flags throw, located). */
function readOptions(values: ReadFlags): ReadOptions {
  const options: ReadOptions = {};
  const register = values['site-register'];
  if (register) {
    const stations = parseSiteRegister(register, readOptionFile('site-register', register));
    options.sites = DEFAULT_SITE_REGISTER.withStations(stations);
  }
  const flags = Object.keys(values).filter(k => k.startsWith('map-'));
  if (values.mapping && flags.length)
    throw new Error(
      `give the mapping as a file (--mapping) or as flags (${flags.map(f => `--${f}`).join(', ')}), not both`
    );
  if (values.mapping)
    options.mapping = parseCsvMapping(values.mapping, readOptionFile('mapping', values.mapping));
  else if (flags.length) options.mapping = mappingFromFlags(values);
  return options;
}

/** The mapping the --map-* flags describe; --map-value is "<column>=<PARAMETER>[:<unit>]". */
function mappingFromFlags(v: ReadFlags): CsvMapping {
  const values: CsvMapping['values'] = {};
  for (const spec of v['map-value'] ?? []) {
    const m = /^(.+?)=([^:]+)(?::(.+))?$/.exec(spec);
    if (!m)
      throw new Error(
        `--map-value expects <column>=<PARAMETER>[:<unit>], e.g. temp=TEMP:degC; found "${spec}"`
      );
    values[m[1]] = { parameter: m[2], ...(m[3] ? { unit: m[3] } : {}) };
  }
  const optional = <T>(key: string, value: T | undefined) =>
    value === undefined ? {} : { [key]: value };
  return checkCsvMapping('the --map-* flags', {
    ...optional('sno', v['map-sno']),
    ...optional('dataset', v['map-dataset']),
    ...optional('time', v['map-time']),
    ...optional('timeFormat', v['map-time-format']),
    ...optional('timeOfDay', v['map-time-of-day']),
    ...optional('station', v['map-station']),
    ...optional('stationName', v['map-station-name']),
    ...optional('depth', v['map-depth']),
    ...optional('latitude', v['map-lat']),
    ...optional('longitude', v['map-lon']),
    ...optional('sample', v['map-sample']),
    ...optional('ignore', v['map-ignore']),
    ...optional('missing', v['map-missing']),
    ...optional('decimalComma', v['map-decimal-comma']),
    values
  });
}

/** True when a file read has cells its reader did not account for (a reader defect, said loudly). */
const unaccounted = (files: ConvertReport['files']): boolean =>
  files.some(f => f.ok && !invariantHolds(f.report!));

function printReport(report: ConvertReport, json: boolean, log: (s: string) => void): void {
  if (json) {
    log(JSON.stringify({ ...report, catalog: undefined }, null, 1));
    return;
  }
  for (const s of report.sweptStaging) log(`swept ${s}`);
  for (const f of report.files) log(formatFileResult(f));
  const t = report.totals;
  log(
    `\n${report.files.length} file(s), ${t.filesFailed} failed; ${t.rowsRead} rows read; ${t.valuesRead} values read, ` +
      `${t.valuesWritten} written, ${t.valuesMissing} missing-coded, ${t.valuesRejected} rejected.`
  );
  const b = report.bounded;
  if (b)
    log(
      `Converted within bounded memory (${(b.inputBytes / 1e6).toFixed(0)} MB of inputs): ` +
        (b.filesInPieces.length ? `${b.filesInPieces.join(', ')} read in pieces, ` : '') +
        `${b.rowsSpilled} values spilled to disk in ${b.spills} spill(s) (at most ${b.memoryRows} held); ` +
        'Parquet only (the one Arrow file of every row is not written within bounded memory).'
    );
  log(
    report.written
      ? `Written to ${report.outDir} (catalog.json, report.json, ${REJECTED_FILE}: every rejected value, one JSON object per line)`
      : 'Nothing written.'
  );
}

/** A conversion stopped by a signal. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/**
 * Run `work` so that SIGINT or SIGTERM stops it cleanly: the signal aborts it (it removes its staging
 * folder and rejects with Interrupted); a second signal ends the process at once.
 */
async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  err: (s: string) => void
): Promise<T> {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    err(`\n${signal}: stopping — nothing will be written, the partial output is removed`);
    controller.abort(new Interrupted(signal));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function convertCommand(
  argv: string[],
  log: (s: string) => void,
  err: (s: string) => void
): Promise<number> {
  const { values, positionals } = parseCommandArgs('convert', {
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      strict: { type: 'boolean', default: false },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      ...READ_OPTIONS
    }
  });
  if (!values.out || positionals.length === 0) {
    err('convert: give input files and --out <dir>\n\n' + USAGE);
    return 2;
  }
  // No --format: both, or Parquet only for inputs converted within bounded memory (convertFiles decides).
  const formats = values.format?.split(',').map(s => s.trim());
  if (formats?.some(f => f !== 'parquet' && f !== 'arrow')) {
    err(`convert: --format expects parquet and/or arrow, found "${values.format}"`);
    return 2;
  }
  const files = expandInputs(positionals);
  const bar =
    values.quiet || values.json || !process.stderr.isTTY
      ? null
      : new SingleBar(
          {
            format: '{phase} [{bar}] {percentage}% | {file}',
            hideCursor: true,
            clearOnComplete: true
          },
          Presets.shades_classic
        );
  bar?.start(100, 0, { phase: 'read ', file: '' });
  let report: ConvertReport;
  try {
    const read = readOptions(values);
    const out = values.out;
    report = await interruptible(
      signal =>
        convertFiles(files, out, {
          strict: values.strict,
          read,
          signal,
          formats: formats as ('parquet' | 'arrow')[] | undefined,
          onProgress: p => {
            if (!bar) return;
            const pct =
              p.phase === 'read'
                ? (70 * p.bytesDone) / Math.max(1, p.bytesTotal)
                : p.phase === 'write'
                  ? 70 + (30 * p.filesDone) / Math.max(1, p.filesTotal)
                  : 100;
            bar.update(Math.round(pct), {
              phase: p.phase === 'read' ? 'read ' : p.phase,
              file: p.file ?? ''
            });
          }
        }),
      err
    );
  } catch (e) {
    bar?.stop();
    if (e instanceof Interrupted) {
      err(`convert ${e.message}: nothing written, the staging folder removed.`);
      return e.signal === 'SIGINT' ? 130 : 143;
    }
    err(`convert failed, nothing written: ${(e as Error).message}`);
    return 1;
  }
  bar?.stop();
  printReport(report, values.json, log);
  return report.totals.filesFailed > 0 || !report.written || unaccounted(report.files) ? 1 : 0;
}

async function checkCommand(
  argv: string[],
  log: (s: string) => void,
  err: (s: string) => void
): Promise<number> {
  const { values, positionals } = parseCommandArgs('check', {
    args: argv,
    allowPositionals: true,
    options: READ_OPTIONS
  });
  if (!positionals.length) {
    err('check: give files or directories\n\n' + USAGE);
    return 2;
  }
  const results = await readFiles(expandInputs(positionals), { read: readOptions(values) });
  for (const f of results) log(formatFileResult(f));
  const failed = results.filter(f => !f.ok).length;
  log(`\n${results.length} file(s), ${failed} failed. Nothing written.`);
  return failed || unaccounted(results) ? 1 : 0;
}

async function synthCommand(
  argv: string[],
  log: (s: string) => void,
  err: (s: string) => void
): Promise<number> {
  const { values } = parseCommandArgs('synth', {
    args: argv,
    options: {
      out: { type: 'string', short: 'o' },
      seed: { type: 'string', default: '1' },
      years: { type: 'string', default: '1998-2022' },
      sites: { type: 'string' },
      convert: { type: 'boolean', default: false }
    }
  });
  if (!values.out) {
    err('synth: give --out <dir>\n\n' + USAGE);
    return 2;
  }
  const seed = Number(values.seed);
  const m = /^(\d{4})-(\d{4})$/.exec(values.years ?? '');
  const sites = values.sites === undefined ? SOMLIT_SITES.length : Number(values.sites);
  const usage = (problem: string): number => {
    err(`synth: ${problem}\n\n${USAGE}`);
    return 2;
  };
  if (!/^-?\d+$/.test(values.seed ?? '') || !Number.isSafeInteger(seed))
    return usage(`--seed expects an integer; found "${values.seed}"`);
  if (!m) return usage(`--years expects a range like 1998-2022; found "${values.years}"`);
  if (+m[1] > +m[2])
    return usage(`--years runs backwards (${m[1]} after ${m[2]}); give the first year first`);
  if (+m[1] < 1900 || +m[2] > 2100)
    return usage(`--years expects years between 1900 and 2100; found ${values.years}`);
  if (!/^\d+$/.test(values.sites ?? '12') || sites < 1 || sites > SOMLIT_SITES.length)
    return usage(
      `--sites expects a whole number of SOMLIT sites from 1 to ${SOMLIT_SITES.length}; found "${values.sites}"`
    );
  const ds = generateSynthetic({ seed, firstYear: +m[1], lastYear: +m[2], siteCount: sites });
  const dir = values.out;
  const native = path.join(dir, 'native');
  makeFolder(native, `the output folder ${dir}`);
  for (const f of ds.files) fs.writeFileSync(path.join(native, f.name), f.bytes);
  fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(ds.truth, null, 1));
  const values_ = ds.files.reduce((a, f) => a + f.expected.length, 0);
  log(
    `Wrote ${ds.files.length} native files (${values_} values) to ${native} and truth.json (seed ${seed}).`
  );
  if (values.convert) {
    const report = await convertFiles(
      ds.files.map(f => path.join(native, f.name)),
      path.join(dir, 'converted')
    );
    printReport(report, false, log);
    return report.totals.filesFailed ? 1 : 0;
  }
  return 0;
}

/** Run the CLI; resolves to the exit code. */
export async function main(
  argv: string[],
  log = (s: string) => console.log(s),
  err = (s: string) => console.error(s)
): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'convert':
        return await convertCommand(rest, log, err);
      case 'synth':
        return await synthCommand(rest, log, err);
      case 'check':
        return await checkCommand(rest, log, err);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        log(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        err(`unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    err(`${cmd}: ${(e as Error).message}`);
    return 2;
  }
}
