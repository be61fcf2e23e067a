/**
 * The launch form of the templates on real catalogues: the Gravelines files of the shared data and the
 * synthetic training set (seed 1), converted as the VRE build converts them. The schema offers what the
 * catalogue holds, the form's data round-trips to the parameters cell, react-jsonschema-form's validator (the
 * one of the dialog) accepts the defaults, and the checks across fields say what to change.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Catalog } from '@odatis-vre/harmonised';
import { generateSynthetic } from '@odatis-vre/sno';
import { convertFiles } from '@odatis-vre/sno/node';
import validator from '@rjsf/validator-ajv8';
import {
  checkLaunch,
  fillParameters,
  fitToCatalog,
  formFromValues,
  launchSchema,
  readParameters,
  SHARED_HARMONISED,
  SYNTHETIC_HARMONISED,
  templateById,
  TEMPLATES,
  valuesFromForm,
  yearRange,
  type JsonSchema,
  type LaunchForm,
  type NotebookContent,
  type TemplateSpec,
  type TemplateValues
} from '../src';

const SHARED_DATA = path.resolve(__dirname, '../../../../shared/data');
const TEMPLATES_DIR = path.resolve(__dirname, '../../../examples/templates');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'neo-launch-'));
let shared: Catalog;
let synthetic: Catalog;
const FOLDERS = [SHARED_HARMONISED, SYNTHETIC_HARMONISED];

function readCatalog(dir: string): Catalog {
  return JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')) as Catalog;
}

beforeAll(async () => {
  const gravelines = path.join(SHARED_DATA, 'gravelines');
  await convertFiles(
    fs.readdirSync(gravelines).map(f => path.join(gravelines, f)),
    path.join(root, 'shared')
  );
  shared = readCatalog(path.join(root, 'shared'));
  const native = path.join(root, 'native');
  fs.mkdirSync(native);
  const files = generateSynthetic({ seed: 1 }).files.map(f => {
    fs.writeFileSync(path.join(native, f.name), f.bytes);
    return path.join(native, f.name);
  });
  await convertFiles(files, path.join(root, 'synthetic'));
  synthetic = readCatalog(path.join(root, 'synthetic'));
}, 300_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The values of an enumeration of the schema (a select, or the items of a multi-select). */
function options(schema: JsonSchema): string[] {
  const s = (schema.items ?? schema) as JsonSchema;
  return ((s.oneOf ?? []) as { const: string }[]).map(o => o.const);
}

function property(schema: JsonSchema, name: string): JsonSchema {
  return (schema.properties as Record<string, JsonSchema>)[name];
}

test.each(
  TEMPLATES.filter(t => t.defaults.data === SHARED_HARMONISED).map(t => [t.id, t] as const)
)('%s: the form offers the catalogue and gives back the defaults', (_, spec) => {
  const form = formFromValues(spec);
  const { schema, uiSchema } = launchSchema(spec, { folders: FOLDERS, catalog: shared }, form);
  expect(Object.keys(schema.properties as object)).toEqual([...spec.parameters]);
  expect(uiSchema['ui:order']).toEqual([...spec.parameters]);
  expect(options(property(schema, 'data'))).toEqual(FOLDERS);
  expect(options(property(schema, 'sites'))).toEqual(shared.sites.map(s => s.siteId));
  // the variables are those measured at the chosen station (Gravelines: all of the catalogue's but PHYTOBS')
  const variables = options(property(schema, 'environment'));
  expect(variables).toEqual(
    shared.parameters.filter(p => p.sites.includes('gravelines-canal-amenee')).map(p => p.parameter)
  );
  for (const v of spec.defaults.environment ?? []) expect(variables).toContain(v);
  expect(options(property(schema, 'abundance'))).toContain('cell_abundance | cells/L');
  expect(options(property(schema, 'taxa'))).toHaveLength(
    shared.taxa.filter(t => t.sites.includes('gravelines-canal-amenee')).length
  );
  const [first, last] = yearRange(shared, ['gravelines-canal-amenee']);
  const years = property(schema, 'years').properties as Record<string, JsonSchema>;
  expect([years.first.minimum, years.last.maximum]).toEqual([first, last]);
  expect([first, last]).toEqual([
    Number(
      shared.sites.find(s => s.siteId === 'gravelines-canal-amenee')!.timeSpan!.start.slice(0, 4)
    ),
    Number(
      shared.sites.find(s => s.siteId === 'gravelines-canal-amenee')!.timeSpan!.end.slice(0, 4)
    )
  ]);

  // the dialog's validator accepts the defaults, and the checks find nothing to change
  expect(validator.validateFormData(form, schema).errors).toEqual([]);
  expect(checkLaunch(spec, form, shared)).toEqual([]);
  expect(valuesFromForm(spec, form)).toEqual(spec.defaults);
});

test('latitude: the dialog opens on the training set with every station ticked, and its defaults pass', () => {
  const spec = templateById('latitude')!;
  expect(spec.defaults.data).toBe(SYNTHETIC_HARMONISED);
  expect(spec.defaults.sites).toEqual([]);
  // what the dialog does: the defaults, fitted to the catalogue of their data folder
  const form = fitToCatalog(spec, formFromValues(spec), synthetic);
  const all = synthetic.sites.map(s => s.siteId);
  expect(all.length).toBeGreaterThan(1);
  expect(form.sites).toEqual(all);
  const { schema } = launchSchema(spec, { folders: FOLDERS, catalog: synthetic }, form);
  expect(options(property(schema, 'sites'))).toEqual(all);
  expect(validator.validateFormData(form, schema).errors).toEqual([]);
  expect(checkLaunch(spec, form, synthetic)).toEqual([]);
  expect(valuesFromForm(spec, form)).toEqual({ ...spec.defaults, sites: all });
});

/** The template notebook, as the launcher copies it. */
function templateOf(spec: TemplateSpec): NotebookContent {
  return JSON.parse(
    fs.readFileSync(path.join(TEMPLATES_DIR, spec.file), 'utf8')
  ) as NotebookContent;
}

test('chosen values reach the parameters cell, and read back', () => {
  const spec = templateById('witomi')!;
  const chosen = {
    years: [2005, 2015],
    environment: ['TEMP', 'PSAL'],
    taxa: ['Achnanthes'],
    depthLayer: { min: 0, max: 5 },
    grouping: 'season',
    permutations: 19,
    seed: 7
  } satisfies Partial<TemplateValues>;
  // the form's shapes: the years as first and last, the grouping as the factor chosen
  const form = formFromValues(spec, chosen);
  expect([form.years, form.grouping]).toEqual([{ first: 2005, last: 2015 }, { by: 'season' }]);
  const { schema } = launchSchema(spec, { folders: FOLDERS, catalog: shared }, form);
  expect(validator.validateFormData(form, schema).errors).toEqual([]);
  expect(checkLaunch(spec, form, shared)).toEqual([]);
  const copy = fillParameters(templateOf(spec), spec, valuesFromForm(spec, form));
  expect(readParameters(copy, spec)).toEqual({ ...spec.defaults, ...chosen });
});

test('WitOMI by periods: the breaks the form asks for cut the chosen years into the periods of the cell', () => {
  const spec = templateById('witomi')!;
  const form: LaunchForm = {
    ...formFromValues(spec, { years: [2000, 2022] }),
    grouping: { by: 'periods', breaks: '2008, 2015' }
  };
  const { schema } = launchSchema(spec, { folders: FOLDERS, catalog: shared }, form);
  const grouping = property(schema, 'grouping').properties as Record<string, JsonSchema>;
  expect(options(grouping.by)).toEqual(['decade', 'season', 'month', 'year', 'site', 'periods']);
  // the form shows the periods the breaks make
  expect(grouping.breaks.description).toBe('Periods: 2000–2007, 2008–2014, 2015–2022');
  expect(validator.validateFormData(form, schema).errors).toEqual([]);
  expect(checkLaunch(spec, form, shared)).toEqual([]);
  const periods = [
    [2000, 2007],
    [2008, 2014],
    [2015, 2022]
  ];
  const copy = fillParameters(templateOf(spec), spec, valuesFromForm(spec, form));
  expect(readParameters(copy, spec)).toEqual({
    ...spec.defaults,
    years: [2000, 2022],
    grouping: { periods }
  });
  // and back: a cell's periods open in the form as their breaks
  expect(
    formFromValues(spec, { grouping: { periods } as TemplateValues['grouping'] }).grouping
  ).toEqual(form.grouping);
  // no breaks field while the grouping is a factor
  const decades = launchSchema(spec, { folders: FOLDERS, catalog: shared }, formFromValues(spec));
  expect(Object.keys(property(decades.schema, 'grouping').properties as object)).toEqual(['by']);
});

test('WitOMI by periods: breaks outside the years, not rising, not years, or a period without data are refused', () => {
  const spec = templateById('witomi')!;
  const problems = (breaks: string, years = { first: 2000, last: 2022 }) =>
    checkLaunch(
      spec,
      { ...formFromValues(spec), years, grouping: { by: 'periods', breaks } },
      shared
    ).map(p => `${p.parameter}: ${p.message}`);
  const outside = (y: number) =>
    `The break ${y} is not within the chosen years: a break starts a new period, so give years from 2001 to 2022.`;
  const overlapping = (a: number, b: number) =>
    `The breaks must rise, each after the one before (${a} then ${b} would make overlapping periods): write them in order, each once.`;
  const refused: [string, string][] = [
    ['', 'Give at least one year that starts a new period within 2000–2022 (e.g. 2012).'],
    [
      '2008, 20x5',
      '“20x5” is not a year: give the years that start a new period, separated by commas (e.g. 2012).'
    ],
    ['2000', outside(2000)],
    ['2010 2023', outside(2023)],
    ['2015, 2008', overlapping(2015, 2008)],
    ['2008, 2008', overlapping(2008, 2008)]
  ];
  for (const [breaks, message] of refused) {
    expect([breaks, problems(breaks)]).toEqual([breaks, [`grouping: ${message}`]]);
  }
  // Gravelines' data end in its last catalogue year: a period after it has none
  const [, last] = yearRange(shared, ['gravelines-canal-amenee']);
  expect(problems(`${last + 1}`, { first: 2000, last: last + 3 })).toEqual([
    `grouping: The chosen stations have no data in ${last + 1}–${last + 3}: move or remove a break so that every period has data.`
  ]);
  // years the wrong way round are said once, by the years
  expect(problems('2010', { first: 2022, last: 2000 }).map(p => p.split(':')[0])).toEqual([
    'years'
  ]);
});

test('the validator refuses what the catalogue does not have', () => {
  const spec = templateById('omi')!;
  const form = { ...formFromValues(spec), sites: ['nowhere'], permutations: 0 };
  const { schema } = launchSchema(spec, { folders: FOLDERS, catalog: shared }, form);
  const errors = validator.validateFormData(form, schema).errors.map(e => e.property);
  expect(errors).toEqual(expect.arrayContaining(['.sites.0', '.permutations']));
});

test('the checks across fields say what to change', () => {
  const omi = templateById('omi')!;
  const base = formFromValues(omi);
  const problems = (form: LaunchForm, spec = omi) =>
    checkLaunch(spec, form, shared).map(p => `${p.parameter}: ${p.message}`);

  expect(problems({ ...base, sites: [] })).toEqual([
    'sites: No station chosen: tick at least one station.'
  ]);
  expect(problems({ ...base, years: { first: 2020, last: 2010 } })).toEqual([
    'years: The first year (2020) is after the last year (2010): swap them, or choose a last year from 2020 on.'
  ]);
  const [first, last] = yearRange(shared, ['gravelines-canal-amenee']);
  expect(problems({ ...base, years: { first: 1950, last: 1960 }, environment: [] })).toEqual([
    `years: The chosen stations have no data in 1950–1960: choose years within ${first}–${last}.`,
    'environment: No environmental variable chosen: tick at least one.'
  ]);
  expect(problems({ ...base, environment: ['TEMP', 'cell_abundance'] })).toEqual([
    'environment: cell_abundance is what is counted per taxon; it cannot also be an environmental variable: untick it.'
  ]);
  expect(problems({ ...base, depthLayer: { min: 10 } })).toEqual([
    'depthLayer: Give both ends of the depth layer, or neither (every depth).'
  ]);
  expect(problems({ ...base, depthLayer: { min: 10, max: 2 } })).toEqual([
    'depthLayer: The depth layer goes from 10 m to 2 m: the first depth must be the shallower.'
  ]);
  const trends = templateById('trends')!;
  expect(problems({ ...formFromValues(trends), variable: 'PSAL' }, trends)).toEqual([
    'variable: The centroids are compared along PSAL, which is not among the environmental variables: tick it there, or choose one of TEMP.'
  ]);
  const witomi = templateById('witomi')!;
  expect(problems({ ...formFromValues(witomi), grouping: { by: 'site' } }, witomi)).toEqual([
    'grouping: Grouping by station needs at least two stations: tick another, or group by decade or season.'
  ]);
});

test('changing the data folder fits the choices to its catalogue', () => {
  const spec = templateById('omi')!;
  const fitted = fitToCatalog(
    spec,
    { ...formFromValues(spec), data: SYNTHETIC_HARMONISED },
    synthetic
  );
  const sites = synthetic.sites.map(s => s.siteId);
  // Gravelines is not in the synthetic set: its first station is chosen instead
  expect(fitted.sites).toEqual([sites[0]]);
  const [min, max] = yearRange(synthetic, [sites[0]]);
  const years = fitted.years as { first: number; last: number };
  expect(years.first).toBeGreaterThanOrEqual(min);
  expect(years.last).toBeLessThanOrEqual(max);
  const known = new Set(synthetic.parameters.map(p => p.parameter));
  expect((fitted.environment as string[]).every(v => known.has(v))).toBe(true);
  const { schema } = launchSchema(spec, { folders: FOLDERS, catalog: synthetic }, fitted);
  expect(options(property(schema, 'sites'))).toEqual(sites);
  expect(validator.validateFormData(fitted, schema).errors).toEqual([]);
});
