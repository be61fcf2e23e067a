/**
 * The templates' analyses computed directly in node on a harmonised dataset folder (e.g. the one the VRE
 * serves as shared/harmonised, packages/app/data/harmonised): the pairing of packages/workshop over
 * DuckDB-WASM in a worker thread (the browser's engine), then the packages/niche calls the template cells make.
 * The browser tests compare the notebooks' outputs with these numbers; bench/template times them against the
 * browser. Node only (`@odatis-vre/templates/lib/node`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  environmentalPca,
  nicheParameters,
  omiAnalysis,
  omiPermutationTest,
  witomi,
  type DataTable
} from '@odatis-vre/niche';
import type { QueryEngine } from '@odatis-vre/query';
import { createWasmWorkerEngine } from '@odatis-vre/query/lib/node';
import { HarmonisedDataset } from '@odatis-vre/services';
import {
  centroidTrends,
  nicheParameterRows,
  pairingQuery,
  pairSamples,
  sampleFactor,
  significantTaxa,
  subnicheRows,
  subnicheTests,
  templateById,
  transformAbundance,
  type Grouping,
  type Pairing,
  type TemplateValues
} from '@odatis-vre/workshop';

/** Where `npm start` writes the harmonised dataset it serves as shared/harmonised. */
export const SERVED_HARMONISED = path.resolve(__dirname, '../../app/data/harmonised');

export type Row = Record<string, string | number | null>;

export class NodeAnalyses {
  private engine: QueryEngine | null = null;
  private dataset: HarmonisedDataset | null = null;

  /** `folder`: a harmonised dataset folder (its catalog.json), read as the notebooks' `shared/harmonised`. */
  constructor(readonly folder: string = SERVED_HARMONISED) {}

  /** Starts the engine and attaches the served dataset (an error names the folder when it is missing). */
  async start(): Promise<void> {
    if (!fs.existsSync(path.join(this.folder, 'catalog.json'))) {
      throw new Error(
        `${this.folder}/catalog.json is missing (the VRE's is written by \`npm start\`)`
      );
    }
    this.engine = createWasmWorkerEngine();
    this.dataset = new HarmonisedDataset({
      engine: this.engine,
      path: 'shared/harmonised',
      readText: p =>
        fs.promises.readFile(path.join(this.folder, path.relative('shared/harmonised', p)), 'utf8'),
      locate: p => path.join(this.folder, path.relative('shared/harmonised', p))
    });
    await this.dataset.attach();
  }

  async stop(): Promise<void> {
    await this.engine?.close();
  }

  /** The template's pairing of the notebook's values (its defaults for the others), and the weighed counts. */
  async pair(
    id: string,
    chosen: Partial<TemplateValues>
  ): Promise<{ paired: Pairing; Y: DataTable; values: TemplateValues }> {
    const spec = templateById(id);
    if (!spec || !this.engine || !this.dataset)
      throw new Error(`no template ${id}, or not started`);
    const values = { ...spec.defaults, ...chosen } as TemplateValues;
    const pairing = {
      abundance: values.abundance,
      environment: values.environment,
      sites: values.sites,
      datasets: values.datasets,
      years: values.years,
      windowDays: values.windowDays,
      depth: values.depthLayer,
      taxa: values.taxa,
      minOccurrences: values.minOccurrences
    };
    const sql = pairingQuery(pairing, {
      source: this.dataset.name,
      columns: this.dataset.catalog!.columns
    });
    const { table } = await this.engine.query(sql);
    const paired = pairSamples(table, pairing);
    return { paired, Y: transformAbundance(paired.abundance, values.transform), values };
  }

  /** Niche parameters and their p-values, as the OMI template's table lists them. */
  async omi(chosen: Partial<TemplateValues>): Promise<Row[]> {
    const { paired, Y, values } = await this.pair('omi', chosen);
    const pca = environmentalPca(paired.environment, { nf: paired.environment.nCols });
    const omi = omiAnalysis(pca, Y, { nf: 2 });
    const test = omiPermutationTest(omi, {
      permutations: values.permutations,
      seed: values.seed,
      generator: 'R'
    });
    return nicheParameterRows(nicheParameters(omi), test, Y, values.alpha) as Row[];
  }

  /** Subniche parameters from G with their tests, as the WitOMI template's table lists them. */
  async witomi(chosen: Partial<TemplateValues>): Promise<Row[]> {
    const { paired, Y, values } = await this.pair('witomi', chosen);
    const pca = environmentalPca(paired.environment, { nf: paired.environment.nCols });
    const omi = omiAnalysis(pca, Y, { nf: 2 });
    const options = {
      permutations: values.permutations,
      seed: values.seed,
      generator: 'R' as const
    };
    const test = omiPermutationTest(omi, options);
    const significant = significantTaxa(test, values.alpha);
    const factor = sampleFactor(paired.samples, values.grouping as Grouping);
    const wit = witomi(omi, factor.labels, { levels: factor.levels });
    const tests = subnicheTests(omi, factor.labels, { levels: factor.levels, ...options });
    return subnicheRows(wit.witomiG, tests.refor, significant) as Row[];
  }

  /** Mann–Kendall and Sen slope of each taxon's yearly centroid, as the trends template's table lists them. */
  async trends(chosen: Partial<TemplateValues>): Promise<ReturnType<typeof centroidTrends>> {
    const { paired, Y, values } = await this.pair('trends', chosen);
    return centroidTrends(Y, paired, values.variable);
  }
}
