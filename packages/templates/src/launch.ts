/**
 * The launch form of a NEO workshop template, built from the template's parameters and the catalogue of the
 * harmonised data: a JSON Schema (what the form offers: the catalogue's stations, years, variables, taxa…), the
 * form's data for a set of values and back, and the checks across fields with messages a person can act on.
 * Generic over `TemplateSpec.parameters`: a new template needs no form code, only its spec. No DOM.
 */
import { msgid, type Catalog, type TimeSpan } from '@odatis-vre/harmonised';
import {
  PARAMETER_DOCS,
  type ParameterName,
  type TemplateSpec,
  type TemplateValues
} from '@odatis-vre/workshop/lib/templates';

/** Translation of a user-visible string (`trans.__` of JupyterLab); `%1`, `%2`… are replaced by the arguments. */
export type Translate = (text: string, ...args: (string | number)[]) => string;

const untranslated: Translate = (text, ...args) =>
  text.replace(/%(\d+)/g, (m, k) => (args[Number(k) - 1] === undefined ? m : String(args[k - 1])));

/** What the form chooses from: the folders of harmonised data there are, and the catalogue of the chosen one. */
export interface LaunchChoices {
  /** Folders of harmonised datasets (each with its catalog.json), e.g. shared/harmonised. */
  folders: readonly string[];
  /** Catalogue of the folder the form's `data` names. */
  catalog: Catalog;
}

/** The form's data: one entry per parameter of the template, shaped for the form (years as first/last…). */
export type LaunchForm = Record<string, unknown>;

/** A JSON Schema (draft 7), as the form renders it. */
export type JsonSchema = Record<string, unknown>;

export interface LaunchSchema {
  schema: JsonSchema;
  /** Widgets and hints of the fields (react-jsonschema-form's uiSchema). */
  uiSchema: Record<string, unknown>;
}

/** A check that failed: which parameter, and what to do. */
export interface LaunchProblem {
  parameter: ParameterName;
  message: string;
}

/** The grouping factors the form offers; `periods` = periods of years cut at the breaks the form asks for. */
export const GROUPINGS = ['decade', 'season', 'month', 'year', 'site', 'periods'] as const;

/** The grouping as the form holds it: a factor, and with `periods` the years that start a new period. */
export interface GroupingForm {
  by: (typeof GROUPINGS)[number];
  /** With `periods`: years separated by commas, e.g. "2008, 2015". */
  breaks?: string;
}

interface Context {
  choices: LaunchChoices;
  /** Stations chosen so far (the other choices are narrowed to what those stations have). */
  sites: readonly string[];
  /** The form's data so far (fields that depend on another: the period breaks on the years). */
  form: LaunchForm;
  trans: Translate;
}

/** How one parameter appears in the form. */
interface Field {
  title: string;
  /** What the form says of it, when the parameters cell's comment (PARAMETER_DOCS) does not fit a form. */
  description?: string;
  schema(ctx: Context): JsonSchema;
  ui?: Record<string, unknown>;
  /** From the notebook's value to the form's (default: the same). */
  toForm?(value: unknown): unknown;
  /** From the form's value to the notebook's (default: the same); `form`: the whole form's data. */
  fromForm?(value: unknown, form: LaunchForm): unknown;
}

function year(span: TimeSpan | null, end: 'start' | 'end'): number | null {
  const iso = span?.[end];
  return iso ? Number(iso.slice(0, 4)) : null;
}

/** Whether a catalogue entry has rows at one of the chosen stations (every entry when none is chosen). */
function atSites(entrySites: readonly string[], chosen: readonly string[]): boolean {
  return chosen.length === 0 || entrySites.some(s => chosen.includes(s));
}

/** First and last year of the data of the chosen stations (of the whole catalogue when none is chosen). */
export function yearRange(catalog: Catalog, sites: readonly string[] = []): [number, number] {
  const spans = catalog.sites.filter(s => sites.length === 0 || sites.includes(s.siteId));
  const starts = spans.map(s => year(s.timeSpan, 'start')).filter((y): y is number => y !== null);
  const ends = spans.map(s => year(s.timeSpan, 'end')).filter((y): y is number => y !== null);
  if (starts.length === 0 || ends.length === 0) {
    const all: [number | null, number | null] = [
      year(catalog.timeSpan, 'start'),
      year(catalog.timeSpan, 'end')
    ];
    return [all[0] ?? 1900, all[1] ?? new Date().getFullYear()];
  }
  return [Math.min(...starts), Math.max(...ends)];
}

/** An enumeration with a label per value (rendered as the options of a select). */
function oneOf(options: { value: string; label: string }[]): JsonSchema {
  return options.length === 0
    ? { type: 'string', enum: [''] }
    : { type: 'string', oneOf: options.map(o => ({ const: o.value, title: o.label })) };
}

function parameterOptions(ctx: Context): { value: string; label: string }[] {
  return ctx.choices.catalog.parameters
    .filter(p => atSites(p.sites, ctx.sites))
    .map(p => ({
      value: p.parameter,
      label: `${p.parameter}${p.label ? ` — ${p.label}` : ''}${p.units.length ? ` (${p.units.join(', ')})` : ''}`
    }));
}

/** The form's first and last year, when both are given. */
function formYears(form: LaunchForm): [number, number] | null {
  const { first, last } = (form.years ?? {}) as { first?: number; last?: number };
  return first === undefined || last === undefined ? null : [first, last];
}

function periodName([a, b]: readonly [number, number]): string {
  return a === b ? String(a) : `${a}–${b}`;
}

/** What is wrong with period breaks, as a message template and its arguments (see `periodsOf`). */
type BreaksProblem = { problem: string; args: (string | number)[] };

/**
 * The periods of years that breaks cut `years` into (each break starts a new period), or what is wrong with
 * the breaks: a word that is not a year, no break, a break outside the years, breaks that do not rise (the
 * periods would overlap).
 */
export function periodsOf(
  years: readonly [number, number],
  breaks: string
): [number, number][] | BreaksProblem {
  const [first, last] = years;
  const words = breaks.split(/[\s,;]+/).filter(w => w !== '');
  const notYear = words.find(w => !/^\d{1,4}$/.test(w));
  if (notYear !== undefined) {
    return {
      problem: msgid(
        '“%1” is not a year: give the years that start a new period, separated by commas (e.g. %2).'
      ),
      args: [notYear, first + Math.ceil((last - first + 1) / 2)]
    };
  }
  const starts = words.map(Number);
  if (starts.length === 0) {
    return {
      problem: msgid('Give at least one year that starts a new period within %1–%2 (e.g. %3).'),
      args: [first, last, first + Math.ceil((last - first + 1) / 2)]
    };
  }
  const outside = starts.find(y => y <= first || y > last);
  if (outside !== undefined) {
    return {
      problem: msgid(
        'The break %1 is not within the chosen years: a break starts a new period, so give years from %2 to %3.'
      ),
      args: [outside, first + 1, last]
    };
  }
  const k = starts.findIndex((y, i) => i > 0 && y <= starts[i - 1]);
  if (k > 0) {
    return {
      problem: msgid(
        'The breaks must rise, each after the one before (%1 then %2 would make overlapping periods): write them in order, each once.'
      ),
      args: [starts[k - 1], starts[k]]
    };
  }
  const bounds = [first, ...starts, last + 1];
  return bounds.slice(0, -1).map((a, i) => [a, bounds[i + 1] - 1]);
}

/** The years with data at the chosen stations (all stations when none is chosen), from the catalogue's files. */
function yearsWithData(catalog: Catalog, sites: readonly string[]): Set<number> | null {
  if (catalog.parquetFiles.length === 0) return null;
  return new Set(catalog.parquetFiles.filter(f => atSites([f.siteId], sites)).map(f => f.year));
}

/**
 * The widget of a field chosen by ticking boxes: react-jsonschema-form's checkboxes under the field's title
 * (JupyterLab's form shows no title for an array field that is not drawn as a list; the dialog registers it).
 */
export const LABELLED_CHECKBOXES = 'labelledCheckboxes';

const ABUNDANCE_SEPARATOR = ' | ';

const FIELDS: Record<ParameterName, Field> = {
  data: {
    title: msgid('Data'),
    description: msgid(
      'Folder of the harmonised dataset: shared/harmonised (the shared observations) or the synthetic training set'
    ),
    schema: ctx => oneOf(ctx.choices.folders.map(f => ({ value: f, label: f })))
  },
  datasets: {
    title: msgid('Datasets'),
    description: msgid('Datasets of the catalogue to use; none ticked = all'),
    schema: ctx => ({
      type: 'array',
      uniqueItems: true,
      items: oneOf(
        ctx.choices.catalog.datasets
          .filter(d => atSites(d.sites, ctx.sites))
          .map(d => ({ value: d.id, label: `${d.title} (${d.id})` }))
      )
    }),
    ui: { 'ui:widget': LABELLED_CHECKBOXES }
  },
  sites: {
    title: msgid('Stations'),
    description: msgid('Stations to analyse (tick at least one)'),
    schema: ctx => ({
      type: 'array',
      uniqueItems: true,
      items: oneOf(
        ctx.choices.catalog.sites.map(s => {
          const span = [year(s.timeSpan, 'start'), year(s.timeSpan, 'end')];
          return {
            value: s.siteId,
            label: `${s.siteName ?? s.siteId} (${s.sno.join(', ')}, ${span[0] ?? '?'}–${span[1] ?? '?'})`
          };
        })
      )
    }),
    ui: { 'ui:widget': LABELLED_CHECKBOXES }
  },
  years: {
    title: msgid('Years'),
    schema: ctx => {
      const [min, max] = yearRange(ctx.choices.catalog, ctx.sites);
      const bound = { type: 'integer', minimum: min, maximum: max };
      return {
        type: 'object',
        required: ['first', 'last'],
        properties: {
          first: { ...bound, title: ctx.trans('First year') },
          last: { ...bound, title: ctx.trans('Last year') }
        }
      };
    },
    toForm: v => ({ first: (v as number[])[0], last: (v as number[])[1] }),
    fromForm: v => [(v as { first: number }).first, (v as { last: number }).last]
  },
  abundance: {
    title: msgid('Counts'),
    schema: ctx =>
      oneOf(
        ctx.choices.catalog.parameters
          .filter(p => atSites(p.sites, ctx.sites))
          .flatMap(p =>
            p.units.map(unit => ({
              value: `${p.parameter}${ABUNDANCE_SEPARATOR}${unit}`,
              label: `${ctx.trans('%1 in %2', p.parameter, unit)}${p.label ? ` — ${p.label}` : ''}`
            }))
          )
      ),
    toForm: v => {
      const q = v as TemplateValues['abundance'];
      return `${q.parameter}${ABUNDANCE_SEPARATOR}${q.unit}`;
    },
    fromForm: v => {
      const [parameter, unit] = String(v).split(ABUNDANCE_SEPARATOR);
      return { parameter, unit };
    }
  },
  environment: {
    title: msgid('Environmental variables'),
    schema: ctx => ({ type: 'array', uniqueItems: true, items: oneOf(parameterOptions(ctx)) }),
    ui: { 'ui:widget': LABELLED_CHECKBOXES }
  },
  taxa: {
    title: msgid('Taxa'),
    description: msgid(
      'Taxa to consider; none chosen = every taxon with at least the minimum number of occurrences'
    ),
    schema: ctx => ({
      type: 'array',
      uniqueItems: true,
      items: oneOf(
        ctx.choices.catalog.taxa
          .filter(t => atSites(t.sites, ctx.sites))
          .map(t => ({ value: t.taxon, label: t.taxon }))
      )
    })
  },
  minOccurrences: {
    title: msgid('Minimum occurrences'),
    schema: () => ({ type: 'integer', minimum: 1 })
  },
  windowDays: {
    title: msgid('Pairing window (days)'),
    schema: () => ({ type: 'integer', minimum: 0, maximum: 366 })
  },
  depthLayer: {
    title: msgid('Depth layer (m)'),
    schema: ctx => ({
      type: 'object',
      properties: {
        min: { type: 'number', minimum: 0, title: ctx.trans('From (m)') },
        max: { type: 'number', minimum: 0, title: ctx.trans('To (m)') }
      }
    }),
    toForm: v => (v === null ? {} : v),
    fromForm: v => {
      const d = (v ?? {}) as { min?: number; max?: number };
      return d.min === undefined && d.max === undefined ? null : { min: d.min, max: d.max };
    }
  },
  transform: {
    title: msgid('Transform of the counts'),
    schema: ctx =>
      oneOf([
        { value: 'none', label: ctx.trans('none (counts as they are)') },
        { value: 'log1p', label: 'log(x + 1)' }
      ])
  },
  grouping: {
    title: msgid('Grouping factor'),
    schema: ctx => {
      const grouping = (ctx.form.grouping ?? {}) as Partial<GroupingForm>;
      const by = oneOf(
        GROUPINGS.map(g => ({
          value: g,
          label: ctx.trans(
            {
              decade: 'decades',
              season: 'seasons',
              month: 'months',
              year: 'years',
              site: 'stations',
              periods: 'periods of years (give the years that start a new period)'
            }[g]
          )
        }))
      );
      const properties: Record<string, JsonSchema> = { by: { ...by, title: ctx.trans('Subsets') } };
      if (grouping.by === 'periods') {
        const years = formYears(ctx.form);
        const periods = years && years[0] <= years[1] && periodsOf(years, grouping.breaks ?? '');
        properties.breaks = {
          type: 'string',
          title: ctx.trans('Period breaks'),
          description:
            periods && !('problem' in periods)
              ? ctx.trans('Periods: %1', periods.map(periodName).join(', '))
              : ctx.trans(
                  'Years that start a new period, separated by commas: 2008, 2015 cuts 2000–2022 into 2000–2007, 2008–2014 and 2015–2022'
                )
        };
      }
      return { type: 'object', required: ['by'], properties };
    },
    toForm: v => {
      if (typeof v === 'string') return { by: v };
      const periods = (v as { periods: [number, number][] }).periods;
      return {
        by: 'periods',
        breaks: periods
          .slice(1)
          .map(p => p[0])
          .join(', ')
      };
    },
    fromForm: (v, form) => {
      const grouping = v as GroupingForm;
      if (grouping.by !== 'periods') return grouping.by;
      const years = formYears(form);
      const periods = years && periodsOf(years, grouping.breaks ?? '');
      return { periods: periods && !('problem' in periods) ? periods : [] };
    }
  },
  variable: {
    title: msgid('Variable of the centroids'),
    schema: ctx => oneOf(parameterOptions(ctx))
  },
  permutations: {
    title: msgid('Permutations'),
    schema: () => ({ type: 'integer', minimum: 1, maximum: 99999 })
  },
  seed: { title: msgid('Seed'), schema: () => ({ type: 'integer', minimum: 0 }) },
  alpha: {
    title: msgid('Significance level'),
    schema: () => ({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 })
  }
};

/** The form of a template on a catalogue; `form` (the current choices) narrows the lists to its stations. */
export function launchSchema(
  spec: TemplateSpec,
  choices: LaunchChoices,
  form: LaunchForm = {},
  trans: Translate = untranslated
): LaunchSchema {
  const ctx: Context = {
    choices,
    sites: Array.isArray(form.sites) ? (form.sites as string[]) : [],
    form,
    trans
  };
  const properties: Record<string, JsonSchema> = {};
  const uiSchema: Record<string, unknown> = { 'ui:order': [...spec.parameters] };
  for (const name of spec.parameters) {
    const field = FIELDS[name];
    properties[name] = {
      ...field.schema(ctx),
      title: trans(field.title),
      description: trans(field.description ?? PARAMETER_DOCS[name])
    };
    if (field.ui) uiSchema[name] = field.ui;
  }
  // Lists may be empty ([] = all, or the checks say what is missing); every other field needs a value.
  const required = spec.parameters.filter(name => properties[name].type !== 'array');
  return { schema: { type: 'object', required, properties }, uiSchema };
}

/** The form's data for these values (the template's defaults for the others). */
export function formFromValues(
  spec: TemplateSpec,
  values: Partial<TemplateValues> = {}
): LaunchForm {
  const form: LaunchForm = {};
  for (const name of spec.parameters) {
    const value = name in values ? values[name] : spec.defaults[name];
    if (value === undefined) continue;
    const toForm = FIELDS[name].toForm;
    form[name] = toForm ? toForm(value) : value;
  }
  return form;
}

/** The values the parameters cell is written with (see `fillParameters`), from the form's data. */
export function valuesFromForm(spec: TemplateSpec, form: LaunchForm): Partial<TemplateValues> {
  const values: Record<string, unknown> = {};
  for (const name of spec.parameters) {
    if (form[name] === undefined) continue;
    const fromForm = FIELDS[name].fromForm;
    values[name] = fromForm ? fromForm(form[name], form) : form[name];
  }
  return values as Partial<TemplateValues>;
}

/**
 * The form's data made to fit another catalogue (after the data folder changed): choices the catalogue does
 * not have are dropped, years are brought within its span, and a form left without a station gets the first (every
 * station when the template's default is all of them).
 */
export function fitToCatalog(spec: TemplateSpec, form: LaunchForm, catalog: Catalog): LaunchForm {
  const has = (name: string) => spec.parameters.includes(name as ParameterName);
  const out: LaunchForm = { ...form };
  const known = {
    sites: new Set(catalog.sites.map(s => s.siteId)),
    datasets: new Set(catalog.datasets.map(d => d.id)),
    environment: new Set(catalog.parameters.map(p => p.parameter)),
    taxa: new Set(catalog.taxa.map(t => t.taxon))
  };
  for (const [name, set] of Object.entries(known)) {
    if (has(name) && Array.isArray(out[name])) {
      out[name] = (out[name] as string[]).filter(v => set.has(v));
    }
  }
  if (has('sites') && (out.sites as string[] | undefined)?.length === 0 && catalog.sites.length) {
    // A template whose default is every station ([] = all: the latitudinal comparison) gets them all ticked;
    // the others get the first.
    out.sites =
      spec.defaults.sites?.length === 0
        ? catalog.sites.map(s => s.siteId)
        : [catalog.sites[0].siteId];
  }
  if (has('variable') && !known.environment.has(String(out.variable))) {
    out.variable = (out.environment as string[] | undefined)?.[0];
  }
  if (has('years')) {
    const [min, max] = yearRange(catalog, (out.sites as string[]) ?? []);
    const y = (out.years ?? {}) as { first?: number; last?: number };
    const clamp = (v: number | undefined, fallback: number) =>
      v === undefined ? fallback : Math.min(max, Math.max(min, v));
    out.years = { first: clamp(y.first, min), last: clamp(y.last, max) };
  }
  return out;
}

/**
 * The checks the schema cannot express, on the form's data: each problem names its parameter and says what
 * to change. An empty list: the template can be launched.
 */
export function checkLaunch(
  spec: TemplateSpec,
  form: LaunchForm,
  catalog: Catalog,
  trans: Translate = untranslated
): LaunchProblem[] {
  const problems: LaunchProblem[] = [];
  const has = (name: ParameterName) => spec.parameters.includes(name);
  const say = (parameter: ParameterName, message: string) => problems.push({ parameter, message });
  const list = (name: string) => (Array.isArray(form[name]) ? (form[name] as string[]) : []);

  if (has('sites') && list('sites').length === 0) {
    say('sites', trans('No station chosen: tick at least one station.'));
  }
  if (has('years')) {
    const { first, last } = (form.years ?? {}) as { first?: number; last?: number };
    const [min, max] = yearRange(catalog, list('sites'));
    if (first === undefined || last === undefined) {
      say('years', trans('Give the first and the last year (the data span %1–%2).', min, max));
    } else if (first > last) {
      say(
        'years',
        trans(
          'The first year (%1) is after the last year (%2): swap them, or choose a last year from %1 on.',
          first,
          last
        )
      );
    } else if (last < min || first > max) {
      say(
        'years',
        trans(
          'The chosen stations have no data in %1–%2: choose years within %3–%4.',
          first,
          last,
          min,
          max
        )
      );
    }
  }
  const abundance =
    has('abundance') && typeof form.abundance === 'string'
      ? form.abundance.split(ABUNDANCE_SEPARATOR)[0]
      : null;
  if (has('environment')) {
    const environment = list('environment');
    if (environment.length === 0) {
      say('environment', trans('No environmental variable chosen: tick at least one.'));
    }
    if (abundance && environment.includes(abundance)) {
      say(
        'environment',
        trans(
          '%1 is what is counted per taxon; it cannot also be an environmental variable: untick it.',
          abundance
        )
      );
    }
    const sites = list('sites');
    const absent = environment.filter(v => {
      const p = catalog.parameters.find(q => q.parameter === v);
      return p !== undefined && sites.length > 0 && !p.sites.some(s => sites.includes(s));
    });
    if (absent.length) {
      say(
        'environment',
        trans(
          'No chosen station measures %1: untick it or choose a station that does.',
          absent.join(', ')
        )
      );
    }
  }
  if (
    has('variable') &&
    has('environment') &&
    !list('environment').includes(String(form.variable))
  ) {
    say(
      'variable',
      trans(
        'The centroids are compared along %1, which is not among the environmental variables: tick it there, or choose one of %2.',
        String(form.variable),
        list('environment').join(', ') || '—'
      )
    );
  }
  if (has('depthLayer')) {
    const d = (form.depthLayer ?? {}) as { min?: number; max?: number };
    if ((d.min === undefined) !== (d.max === undefined)) {
      say('depthLayer', trans('Give both ends of the depth layer, or neither (every depth).'));
    } else if (d.min !== undefined && d.max !== undefined && d.min > d.max) {
      say(
        'depthLayer',
        trans(
          'The depth layer goes from %1 m to %2 m: the first depth must be the shallower.',
          d.min,
          d.max
        )
      );
    }
  }
  const grouping = (form.grouping ?? {}) as Partial<GroupingForm>;
  if (has('grouping') && grouping.by === 'periods') {
    const years = formYears(form);
    // (years the wrong way round have their own problem above)
    const periods = years && years[0] <= years[1] && periodsOf(years, grouping.breaks ?? '');
    if (periods && 'problem' in periods) {
      say('grouping', trans(periods.problem, ...periods.args));
    } else if (periods) {
      const withData = yearsWithData(catalog, list('sites'));
      const empty = periods.filter(
        ([a, b]) =>
          withData && !Array.from({ length: b - a + 1 }, (_, i) => a + i).some(y => withData.has(y))
      );
      if (empty.length) {
        say(
          'grouping',
          trans(
            'The chosen stations have no data in %1: move or remove a break so that every period has data.',
            empty.map(periodName).join(', ')
          )
        );
      }
    }
  }
  if (has('grouping') && grouping.by === 'site' && list('sites').length < 2) {
    say(
      'grouping',
      trans(
        'Grouping by station needs at least two stations: tick another, or group by decade or season.'
      )
    );
  }
  return problems;
}
