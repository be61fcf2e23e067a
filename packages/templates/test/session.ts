/**
 * A NEO kernel session in node, for running the template notebooks headless: DuckDB-WASM in a worker thread
 * (the browser's engine), the Gravelines files of the shared data converted into `shared/harmonised` (the
 * session's attached dataset, as in the VRE), the workshop's training set written into `shared/synthetic/` by
 * the very script the build and the staging use (`scripts/training-set.js`: odatis-vre synth --seed 42, its
 * truth.json, README and harmonised dataset), and the kernel core with its real host.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NeoKernelCore } from '@odatis-vre/kernel/lib/core';
import { SessionHost } from '@odatis-vre/kernel/lib/host';
import type { KernelOutput } from '@odatis-vre/kernel/lib/protocol';
import type { QueryEngine } from '@odatis-vre/query';
import { createWasmWorkerEngine } from '@odatis-vre/query/lib/node';
import { HarmonisedDataset, QueryableFiles } from '@odatis-vre/services';
import type { SynthTruth } from '@odatis-vre/sno';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  cellText,
  fillParameters,
  templateById,
  type NotebookContent,
  type TemplateValues
} from '@odatis-vre/workshop';

const SHARED_DATA = path.resolve(__dirname, '../../../../shared/data');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeTrainingSet } = require('../../../scripts/training-set') as {
  writeTrainingSet(out: string, options?: { seed?: number; database?: boolean }): Promise<string>;
};
export const TEMPLATES_DIR = path.resolve(__dirname, '../../../examples/templates');

export interface CellRun {
  index: number;
  source: string;
  /** display_data outputs and the cell's result, in order. */
  outputs: Record<string, unknown>[];
  stdout: string;
  seconds: number;
}

export class NodeSession {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'neo-templates-'));
  truth!: SynthTruth;
  private engine!: QueryEngine;
  private core!: NeoKernelCore;
  private outputs: KernelOutput[] = [];
  private count = 0;

  async start(): Promise<void> {
    const gravelines = path.join(SHARED_DATA, 'gravelines');
    if (!fs.existsSync(gravelines)) {
      throw new Error(
        `The shared sample data is missing: expected ${gravelines} (../shared beside the repository)`
      );
    }
    await convertFiles(
      fs.readdirSync(gravelines).map(f => path.join(gravelines, f)),
      path.join(this.root, 'shared', 'harmonised')
    );
    const training = path.join(this.root, 'shared', 'synthetic');
    await writeTrainingSet(training, { database: false });
    this.truth = JSON.parse(
      fs.readFileSync(path.join(training, 'truth.json'), 'utf8')
    ) as SynthTruth;

    this.engine = createWasmWorkerEngine();
    const modified = (p: string) => {
      const full = path.join(this.root, p);
      return fs.existsSync(full) && fs.statSync(full).isFile()
        ? fs.statSync(full).mtime.toISOString()
        : null;
    };
    const harmonised = new HarmonisedDataset({
      engine: this.engine,
      path: 'shared/harmonised',
      readText: p => fs.promises.readFile(path.join(this.root, p), 'utf8'),
      locate: p => path.join(this.root, p)
    });
    const queryable = new QueryableFiles({
      engine: this.engine,
      read: async p => ({
        bytes: new Uint8Array(fs.readFileSync(path.join(this.root, p))),
        lastModified: modified(p)!
      }),
      lastModified: async p => modified(p)
    });
    const host = new SessionHost({
      engine: this.engine,
      harmonised,
      files: queryable,
      location: '',
      exists: async p => modified(p) !== null
    });
    this.core = new NeoKernelCore({
      host,
      engine: host.engine(),
      emit: output => this.outputs.push(output)
    });
  }

  async stop(): Promise<void> {
    await this.engine?.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Runs every code cell of a template with these parameters, as "Run All Cells" does; stops at an error. */
  async run(id: string, values: Partial<TemplateValues>): Promise<CellRun[]> {
    const spec = templateById(id)!;
    const template = JSON.parse(
      fs.readFileSync(path.join(TEMPLATES_DIR, spec.file), 'utf8')
    ) as NotebookContent;
    const notebook = fillParameters(template, spec, values);
    const runs: CellRun[] = [];
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const source = cellText(cell);
      this.outputs = [];
      const started = Date.now();
      const outcome = await this.core.execute(source, ++this.count);
      if (process.env.TEMPLATES_TIMING === '1') {
        process.stderr.write(`${spec.id} cell ${index + 1}: ${(Date.now() - started) / 1000} s\n`);
      }
      if (outcome.status !== 'ok') {
        throw new Error(
          `${spec.file}, cell ${index + 1} failed: ${outcome.ename}: ${outcome.evalue}\n${outcome.traceback.join('\n')}`
        );
      }
      const outputs = this.outputs.flatMap(o => (o.type === 'display_data' ? [o.data] : []));
      if (outcome.result) outputs.push(outcome.result.data);
      runs.push({
        index,
        source,
        outputs,
        stdout: this.outputs.flatMap(o => (o.type === 'stream' ? [o.text] : [])).join(''),
        seconds: (Date.now() - started) / 1000
      });
    }
    return runs;
  }

  /** A variable of the kernel's session (what the cells declared). */
  variable<T>(name: string): T {
    return this.core.scope[name] as T;
  }
}

/** The CSV behind a table's download link, by file name, from a run's outputs. */
export function downloadedCsv(runs: CellRun[], file: string): string {
  for (const run of runs) {
    for (const out of run.outputs) {
      const html = out['text/html'];
      if (typeof html !== 'string') continue;
      const m = new RegExp(
        `download="${file.replace(/\./g, '\\.')}" href="data:text/csv;charset=utf-8,([^"]*)"`
      ).exec(html);
      if (m) return decodeURIComponent(m[1]);
    }
  }
  throw new Error(`no download link for ${file} in the outputs`);
}

/** The Vega-Lite specs a run displayed, by title. */
export function charts(runs: CellRun[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const run of runs) {
    for (const o of run.outputs) {
      const spec = o['application/vnd.vegalite.v5+json'] as Record<string, unknown> | undefined;
      if (!spec) continue;
      // a title with a subtitle is an object: its text is the title
      const title =
        spec.title && typeof spec.title === 'object'
          ? (spec.title as { text: string }).text
          : spec.title;
      out.set(String(title), spec);
    }
  }
  return out;
}

const ARTIFACTS = path.resolve(__dirname, '../../../test/artifacts/templates');

/** Saves the Vega-Lite specs a run displayed (test/artifacts/templates/<name>-<title>.vl.json); their titles. */
export function saveFigures(name: string, runs: CellRun[]): string[] {
  const figures = charts(runs);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [title, spec] of figures) {
    const file = `${name}-${title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}.vl.json`;
    fs.writeFileSync(path.join(ARTIFACTS, file), JSON.stringify(spec));
  }
  return [...figures.keys()];
}
