/**
 * Vega-Lite figures of the workshop, drawn after the reference plots of ade4 and subniche: the correlation
 * circle of the environmental PCA (`s.corcircle`), niche positions with taxon labels (`plot.niche`, "Samples
 * and Species"), the permutation test's histogram with the observed value (`plot.krandtest`), G_K marginality
 * vectors with the subsets' polygons (`margvect`) and the subniches of each subset (`subplot`), trend lines with
 * their Sen slopes, and niche centroids against latitude. Each returns a plain Vega-Lite 5 specification: a
 * notebook cell whose value is one is drawn by JupyterLab's own renderer, and the spec stays in the notebook.
 */
import type {
  DataTable,
  OmiPermutationTest,
  OmiResult,
  PcaResult,
  WitOmiResult
} from '@odatis-vre/niche';
import { messageText } from '@odatis-vre/harmonised';
import { WorkshopError } from './errors';
import { equalScaleFrame, labelOrdination, placedLabelLayers, type Frame } from './labels';

export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const SQUARE = 420;
/**
 * The widest a figure is drawn: JupyterLab's output area is about 900–1000 px wide in a window of 1280–1440 px,
 * and a wider figure scrolls sideways there.
 */
export const OUTPUT_WIDTH = 880;
/** What a panel of a concat adds to its plot's width: its y axis (labels and title) and the space to the next. */
const PANEL_MARGIN = 80;

const TREND_PANEL_WIDTH = 300;
const HISTOGRAM_PANEL_WIDTH = 260;

/** Panels of `plotWidth` in a row, as many as the output area holds (the others wrap to the next rows). */
function fittingColumns(count: number, plotWidth: number): number {
  return Math.max(1, Math.min(count, Math.floor(OUTPUT_WIDTH / (plotWidth + PANEL_MARGIN))));
}
const CONFIG = {
  font: 'sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, grid: false },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
  view: { stroke: '#888' }
};
/** Colours of the reference plots: variables in red (ade4 arrows), observed values in red, G_K in red. */
const RED = '#c0392b';
const GREY = '#9a9a9a';
const BLUE = '#1f5fa8';

/**
 * Twenty distinct colours for a legend of more than ten entries (Vega's tableau10 repeats from the eleventh:
 * twelve stations gave two stations one colour): tableau20's ten strong colours first, in tableau10's order
 * of hues where they match, then their light companions, so that neighbours in a legend never share a hue.
 */
const MANY_COLOURS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#439894',
  '#54a24b',
  '#b79a20',
  '#b279a2',
  '#d67195',
  '#9e765f',
  '#79706e',
  '#9ecae9',
  '#ffbf79',
  '#ff9d98',
  '#83bcb6',
  '#88d27a',
  '#f2cf5b',
  '#d6a5c9',
  '#fcbfd2',
  '#d8b5a5',
  '#bab0ac'
];

/** The colour scale of a legend of `levels`: Vega's default up to ten, one colour each up to twenty. */
function nominalScale(levels: readonly string[]): VegaLiteSpec {
  return levels.length > 10
    ? { domain: [...levels], range: MANY_COLOURS }
    : { domain: [...levels] };
}

function spec(body: VegaLiteSpec): VegaLiteSpec {
  return { $schema: SCHEMA, config: CONFIG, ...body };
}

function at(t: DataTable, i: number, j: number): number {
  return t.values[j * t.nRows + i];
}

function checkAxes(t: DataTable, axes: readonly [number, number], analysis: 'pca' | 'omi'): void {
  if (t.nCols <= Math.max(axes[0], axes[1])) {
    const args = [t.nCols, axes[0] + 1, axes[1] + 1];
    throw new WorkshopError(
      'bad-option',
      analysis === 'pca'
        ? messageText('the PCA has %1 axes; axes %2 and %3 were asked for', ...args)
        : messageText('the OMI analysis has %1 axes; axes %2 and %3 were asked for', ...args),
      {
        column: 'axes',
        expected: messageText('axes within 1..%1 (keep at least 2 axes: nf ≥ 2)', t.nCols),
        found: `${axes[0] + 1}, ${axes[1] + 1}`
      }
    );
  }
}

/** "Axis 1 (43.2 %)": the share of the total inertia an axis carries. */
function axisTitle(prefix: string, eig: ArrayLike<number>, k: number): string {
  let total = 0;
  for (let i = 0; i < eig.length; i++) total += eig[i];
  return `${prefix} ${k + 1} (${((100 * eig[k]) / total).toFixed(1)} %)`;
}

/** Arrows from the origin: a rule and a triangle head turned along the arrow. */
function arrowLayers(
  data: Record<string, unknown>[],
  color: string,
  x: string,
  y: string
): VegaLiteSpec[] {
  const values = data.map(d => ({
    ...d,
    origin: 0,
    angle: (-Math.atan2(Number(d[y]), Number(d[x])) * 180) / Math.PI
  }));
  return [
    {
      data: { values },
      mark: { type: 'rule', color, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'origin', type: 'quantitative' },
        y: { field: 'origin', type: 'quantitative' },
        x2: { field: x },
        y2: { field: y }
      }
    },
    {
      data: { values },
      mark: { type: 'point', shape: 'triangle-right', filled: true, color, size: 70, opacity: 1 },
      encoding: {
        x: { field: x, type: 'quantitative' },
        y: { field: y, type: 'quantitative' },
        angle: {
          field: 'angle',
          type: 'quantitative',
          scale: { domain: [-360, 360], range: [-360, 360] }
        }
      }
    }
  ];
}

function originLines(): VegaLiteSpec[] {
  return [
    {
      data: { values: [{ zero: 0 }] },
      mark: { type: 'rule', color: GREY, strokeDash: [3, 3] },
      encoding: { x: { field: 'zero', type: 'quantitative' } }
    },
    {
      data: { values: [{ zero: 0 }] },
      mark: { type: 'rule', color: GREY, strokeDash: [3, 3] },
      encoding: { y: { field: 'zero', type: 'quantitative' } }
    }
  ];
}

/** Correlation circle of the environmental PCA (ade4 `s.corcircle(pca$co)`): each variable's correlations with two axes. */
export function correlationCircle(
  pca: PcaResult,
  options: { axes?: readonly [number, number]; title?: string } = {}
): VegaLiteSpec {
  const axes = options.axes ?? [0, 1];
  checkAxes(pca.co, axes, 'pca');
  const variables = Array.from({ length: pca.co.nRows }, (_, j) => ({
    variable: pca.co.rowNames[j],
    x: at(pca.co, j, axes[0]),
    y: at(pca.co, j, axes[1])
  }));
  const circle = Array.from({ length: 121 }, (_, i) => ({
    i,
    x: Math.cos((2 * Math.PI * i) / 120),
    y: Math.sin((2 * Math.PI * i) / 120)
  }));
  const frame: Frame = { x: [-1.3, 1.3], y: [-1.3, 1.3], width: SQUARE, height: SQUARE };
  return spec({
    title: options.title ?? 'Environmental PCA: correlation circle',
    width: frame.width,
    height: frame.height,
    encoding: frameEncoding(
      frame,
      axisTitle('PC', pca.eig, axes[0]),
      axisTitle('PC', pca.eig, axes[1])
    ),
    layer: [
      {
        data: { values: circle },
        mark: { type: 'line', color: '#444', strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          order: { field: 'i' }
        }
      },
      ...originLines(),
      ...arrowLayers(variables, RED, 'x', 'y'),
      ...placedLabelLayers(
        variables.map(v => ({ ...v, text: v.variable, toward: Math.atan2(v.y, v.x) })),
        frame,
        { fontSize: 12, mark: { color: RED, fontWeight: 'bold' } }
      )
    ]
  });
}

/** x and y encodings of a frame: fixed domains, no nice rounding, no zero forcing. */
function frameEncoding(frame: Frame, xTitle: string, yTitle: string) {
  return {
    x: {
      type: 'quantitative',
      scale: { domain: frame.x, nice: false, zero: false },
      title: xTitle
    },
    y: { type: 'quantitative', scale: { domain: frame.y, nice: false, zero: false }, title: yTitle }
  };
}

export interface NichePositionOptions {
  axes?: readonly [number, number];
  title?: string;
  /** Taxa whose OMI is significant: drawn in colour, the others in grey. Default: all in colour. */
  significant?: readonly string[];
  /** Taxa to label, where there is room; default all. */
  labels?: readonly string[];
  /** The samples as a grey cloud (ade4 draws them). Default true. */
  samples?: boolean;
  /** The environmental variables as arrows, scaled to the taxa. Default true. */
  variables?: boolean;
}

/**
 * Niche positions of the taxa on two OMI axes, labelled, over the samples, with the variables (ade4 `plot.niche`,
 * "Samples and Species" and "Variables" in one panel). The frame fits the taxa; samples farther out are cut.
 * No label covers another: with many taxa (fifty at a station), those that find no room are named under the
 * title, and long names of complexes are shortened (whole in the tooltips).
 */
export function nichePositions(omi: OmiResult, options: NichePositionOptions = {}): VegaLiteSpec {
  const axes = options.axes ?? [0, 1];
  checkAxes(omi.li, axes, 'omi');
  const significant = options.significant ? new Set(options.significant) : null;
  const labelled = options.labels ? new Set(options.labels) : null;
  const taxa = Array.from({ length: omi.li.nRows }, (_, j) => {
    const taxon = omi.li.rowNames[j];
    return {
      taxon,
      x: at(omi.li, j, axes[0]),
      y: at(omi.li, j, axes[1]),
      status: !significant
        ? 'taxon'
        : significant.has(taxon)
          ? 'significant OMI'
          : 'OMI not significant'
    };
  });
  const samples = Array.from({ length: omi.ls.nRows }, (_, i) => ({
    x: at(omi.ls, i, axes[0]),
    y: at(omi.ls, i, axes[1])
  }));
  const reach = Math.max(...taxa.map(t => Math.hypot(t.x, t.y)), 1e-12);
  const coReach = Math.max(
    ...Array.from({ length: omi.co.nRows }, (_, k) =>
      Math.hypot(at(omi.co, k, axes[0]), at(omi.co, k, axes[1]))
    ),
    1e-12
  );
  const stretch = (0.9 * reach) / coReach;
  const variables =
    options.variables === false
      ? []
      : Array.from({ length: omi.co.nRows }, (_, k) => ({
          variable: omi.co.rowNames[k],
          x: at(omi.co, k, axes[0]) * stretch,
          y: at(omi.co, k, axes[1]) * stretch
        }));
  // Many taxa get a larger plot, for room to name them (a notebook's output is wider than 520 px), as wide as
  // the output area holds beside the axis and the legend.
  const crowd = Math.min(1, Math.max(0, (taxa.length - 15) / 25));
  const frame = equalScaleFrame([...taxa, ...variables], {
    width: Math.round(SQUARE + 100 + 150 * crowd),
    minHeight: Math.round(300 + 160 * crowd),
    maxHeight: 620,
    pad: 0.15
  });
  const layers: VegaLiteSpec[] = [...originLines()];
  if (options.samples !== false) {
    layers.push({
      data: { values: samples },
      mark: { type: 'point', color: GREY, size: 12, opacity: 0.45, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' }
      }
    });
  }
  const color = significant
    ? {
        field: 'status',
        type: 'nominal',
        title: null,
        scale: {
          domain: ['significant OMI', 'OMI not significant'],
          range: [BLUE, '#8c8c8c']
        }
      }
    : { value: BLUE };
  layers.push(...arrowLayers(variables, RED, 'x', 'y'), {
    data: { values: taxa },
    mark: { type: 'point', filled: true, size: 55, opacity: 1 },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color,
      tooltip: [
        { field: 'taxon', type: 'nominal' },
        { field: 'x', type: 'quantitative', format: '.3f', title: `axis ${axes[0] + 1}` },
        { field: 'y', type: 'quantitative', format: '.3f', title: `axis ${axes[1] + 1}` }
      ]
    }
  });
  // Variables first; then the taxa by importance, a significant marginality first, then from the outside in:
  // the crowded centre is placed last, and a taxon left without room there is named under the title.
  const labels = labelOrdination(taxa, frame, {
    name: 'taxon',
    variables: variables.map(v => ({ ...v, text: v.variable })),
    variableFont: { fontSize: 12, mark: { color: RED, fontWeight: 'bold' } },
    first: t => t.status === 'significant OMI',
    labelled: labelled ? t => labelled.has(t.taxon) : undefined,
    mark: { fontStyle: 'italic' },
    encoding: { color }
  });
  layers.push(...labels.variableLayers, ...labels.layers);
  const title = options.title ?? 'OMI: niche positions of the taxa';
  return spec({
    title: labels.subtitle.length ? withSubtitle(title, labels.subtitle) : title,
    width: frame.width,
    height: frame.height,
    encoding: frameEncoding(
      frame,
      axisTitle('OMI axis', omi.eig, axes[0]),
      axisTitle('OMI axis', omi.eig, axes[1])
    ),
    layer: layers
  });
}

/** A title with the subtitle that names the labels left out. */
function withSubtitle(
  title: string,
  subtitle: string[],
  style: Record<string, unknown> = {}
): VegaLiteSpec {
  return { text: title, ...style, subtitle, subtitleColor: '#444', subtitleFontSize: 11 };
}

/** Eigenvalues as bars, the axes drawn in the other figures darker (ade4 `scatterutil.eigen`). */
export function eigenvalues(
  result: { eig: ArrayLike<number> },
  options: { axes?: readonly [number, number]; title?: string } = {}
): VegaLiteSpec {
  const axes = options.axes ?? [0, 1];
  let total = 0;
  for (let k = 0; k < result.eig.length; k++) total += result.eig[k];
  const values = Array.from(result.eig, (e, k) => ({
    axis: k + 1,
    eigenvalue: e,
    share: e / total,
    drawn: axes.includes(k) ? 'drawn' : 'other'
  }));
  return spec({
    title: options.title ?? 'Eigenvalues',
    width: Math.max(160, 28 * values.length),
    height: 140,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'axis', type: 'ordinal', title: 'axis', axis: { labelAngle: 0 } },
      y: { field: 'eigenvalue', type: 'quantitative', title: 'eigenvalue' },
      color: {
        field: 'drawn',
        type: 'nominal',
        legend: null,
        scale: { domain: ['drawn', 'other'], range: ['#333', '#bbb'] }
      },
      tooltip: [
        { field: 'axis', type: 'ordinal' },
        { field: 'eigenvalue', type: 'quantitative', format: '.4f' },
        { field: 'share', type: 'quantitative', format: '.1%' }
      ]
    }
  });
}

/**
 * An axis with about `count` ticks of a round step (1, 2 or 5 × 10^k) within [lo, hi], labelled with the
 * decimals that step needs; Vega drops a label that would still overlap its neighbour.
 */
function tickAxis(lo: number, hi: number, count: number): VegaLiteSpec {
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  const step = (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1) * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) {
    values.push(Number((k * step).toFixed(decimals)));
  }
  return { values, format: `.${decimals}f`, labelOverlap: 'greedy' };
}

/**
 * Histogram of the simulated values of a permutation test with the observed value (ade4 `plot.krandtest`):
 * `OMI.mean` by default, or one panel per name given.
 */
export function permutationHistogram(
  test: OmiPermutationTest,
  options: { names?: readonly string[]; title?: string; bins?: number } = {}
): VegaLiteSpec {
  const names = options.names ?? ['OMI.mean'];
  const sim = test.simulated;
  const bins = options.bins ?? 30;
  const panels = names.map(name => {
    const j = test.names.indexOf(name);
    if (j < 0) {
      throw new WorkshopError('bad-option', messageText('the permutation test has no "%1"', name), {
        column: 'names',
        expected: messageText(
          'one of %1',
          test.names.slice(0, 5).join(', ') + (test.names.length > 5 ? ', …' : '')
        ),
        found: name
      });
    }
    const values = Array.from(sim.values.subarray(j * sim.nRows, (j + 1) * sim.nRows));
    const observed = test.observed[j];
    const lo = Math.min(observed, ...values);
    const hi = Math.max(observed, ...values);
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return {
      name,
      values,
      observed,
      label: `observed ${formatNumber(observed)}, p = ${formatNumber(test.pValue[j])}`,
      extent: [lo - pad, hi + pad],
      // The label goes on the side of the line where there is room.
      right: observed > (lo + hi) / 2
    };
  });
  const layers = (panel: (typeof panels)[number], ticks: number): VegaLiteSpec[] => {
    // Ticks of a nice step over the extent, not at every bin boundary (their labels overlapped).
    const axis = { ...tickAxis(panel.extent[0], panel.extent[1], ticks), labelFlush: true };
    return [
      {
        data: { values: panel.values.map(value => ({ value })) },
        mark: { type: 'bar', color: '#9db7d5', stroke: '#4a6f99', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'value',
            type: 'quantitative',
            bin: { maxbins: bins, extent: panel.extent },
            title: 'simulated values (permutations)',
            scale: { domain: panel.extent, nice: false, zero: false },
            axis
          },
          y: { aggregate: 'count', type: 'quantitative', title: 'frequency' }
        }
      },
      // The observed value: a red line, a diamond on the axis and its label, on the side with room.
      {
        data: { values: [panel] },
        encoding: { x: { field: 'observed', type: 'quantitative' } },
        layer: [
          { mark: { type: 'rule', color: RED, strokeWidth: 2.5 } },
          {
            mark: { type: 'point', shape: 'diamond', filled: true, color: RED, size: 140 },
            encoding: { y: { datum: 0 } }
          },
          {
            mark: {
              type: 'text',
              color: RED,
              align: panel.right ? 'right' : 'left',
              dx: panel.right ? -6 : 6,
              dy: 4,
              fontSize: 12,
              baseline: 'top'
            },
            encoding: { y: { value: 0 }, text: { field: 'label' } }
          }
        ]
      }
    ];
  };
  const title =
    options.title ??
    `Permutation test (${test.permutations} permutations): ${names.length === 1 ? names[0] : 'marginality of the taxa'}`;
  if (panels.length === 1) {
    return spec({ title, width: 480, height: 240, layer: layers(panels[0], 6) });
  }
  return spec({
    title,
    columns: fittingColumns(panels.length, HISTOGRAM_PANEL_WIDTH),
    concat: panels.map(panel => ({
      title: { text: panel.name, fontSize: 12, fontStyle: 'italic' },
      width: HISTOGRAM_PANEL_WIDTH,
      height: 150,
      layer: layers(panel, 4)
    }))
  });
}

/** Convex hull of points (Andrew's monotone chain), counter-clockwise, without repeating the first point. */
export function convexHull(
  points: readonly { x: number; y: number }[]
): { x: number; y: number }[] {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p;
  const cross = (
    o: { x: number; y: number },
    a: { x: number; y: number },
    b: { x: number; y: number }
  ) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const half = (list: typeof p) => {
    const h: typeof p = [];
    for (const q of list) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], q) <= 0) h.pop();
      h.push(q);
    }
    h.pop();
    return h;
  };
  return [...half(p), ...half([...p].reverse())];
}

/** Hull rows closed for a Vega-Lite line (the first point again last), with their drawing order. */
function closedHull(points: { x: number; y: number }[], extra: Record<string, unknown>) {
  const hull = convexHull(points);
  return [...hull, hull[0]].filter(Boolean).map((q, order) => ({ ...extra, ...q, order }));
}

function subsetSamples(
  omi: OmiResult,
  factor: ArrayLike<string | number>,
  levels: readonly string[],
  axes: readonly [number, number]
) {
  return levels.map(level => {
    const points: { x: number; y: number }[] = [];
    for (let i = 0; i < omi.ls.nRows; i++) {
      if (String(factor[i]) === level)
        points.push({ x: at(omi.ls, i, axes[0]), y: at(omi.ls, i, axes[1]) });
    }
    return { level, points };
  });
}

/**
 * G_K marginality vectors (subniche `margvect`): the polygon (convex hull) of the samples of each subset, and an
 * arrow from G, the origin of the OMI plane (the mean habitat of all samples), to G_K, the mean habitat of the subset.
 */
export function subsetOrigins(
  omi: OmiResult,
  wit: WitOmiResult,
  factor: ArrayLike<string | number>,
  options: { axes?: readonly [number, number]; title?: string } = {}
): VegaLiteSpec {
  const axes = options.axes ?? [0, 1];
  checkAxes(omi.ls, axes, 'omi');
  const subsets = subsetSamples(omi, factor, wit.levels, axes);
  const hulls = subsets.flatMap(s => closedHull(s.points, { subset: s.level }));
  const origins = wit.levels.map((level, k) => ({
    subset: level,
    x: at(wit.subsetOrigins, k, axes[0]),
    y: at(wit.subsetOrigins, k, axes[1])
  }));
  const all = subsets.flatMap(s => s.points);
  const frame = equalScaleFrame(all, {
    width: SQUARE + 80,
    minHeight: 320,
    maxHeight: 600,
    pad: 0.06
  });
  const color = {
    field: 'subset',
    type: 'nominal',
    title: 'subset',
    scale: nominalScale(wit.levels),
    sort: [...wit.levels]
  };
  const xy = { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } };
  return spec({
    title: options.title ?? 'WitOMI: subsets of the samples and their origins G_K',
    width: frame.width,
    height: frame.height,
    encoding: frameEncoding(
      frame,
      axisTitle('OMI axis', omi.eig, axes[0]),
      axisTitle('OMI axis', omi.eig, axes[1])
    ),
    layer: [
      ...originLines(),
      ...hullLayers(hulls, color),
      {
        data: { values: subsets.flatMap(s => s.points.map(q => ({ ...q, subset: s.level }))) },
        mark: { type: 'point', size: 10, opacity: 0.35 },
        encoding: { ...xy, color }
      },
      {
        data: { values: origins.map(o => ({ ...o, origin: 0 })) },
        mark: { type: 'rule', strokeWidth: 2.5 },
        encoding: {
          x: { field: 'origin', type: 'quantitative' },
          y: { field: 'origin', type: 'quantitative' },
          x2: { field: 'x' },
          y2: { field: 'y' },
          color
        }
      },
      {
        data: { values: origins },
        mark: {
          type: 'point',
          filled: true,
          size: 90,
          shape: 'circle',
          stroke: '#000',
          strokeWidth: 1,
          opacity: 1
        },
        encoding: { ...xy, color }
      },
      ...placedLabelLayers(
        [
          { x: 0, y: 0, text: 'G', toward: -Math.PI * 0.75 },
          ...origins.map(o => ({ ...o, text: o.subset, toward: Math.atan2(o.y, o.x) }))
        ],
        frame,
        {
          fontSize: 13,
          obstacles: all,
          mark: { fontWeight: 'bold', color: '#000' },
          // the G_K of short periods crowd near G: their labels move out, each on a line in its subset's colour
          leaders: true,
          leaderColor: color
        }
      )
    ]
  });
}

/** Subset polygons: a light fill under a solid outline. */
function hullLayers(
  hulls: Record<string, unknown>[],
  color: Record<string, unknown>
): VegaLiteSpec[] {
  const xy = { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } };
  return [
    {
      data: { values: hulls },
      mark: { type: 'line', filled: true, fillOpacity: 0.08, strokeOpacity: 0 },
      encoding: { ...xy, color, detail: { field: 'subset' }, order: { field: 'order' } }
    },
    {
      data: { values: hulls },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { ...xy, color, detail: { field: 'subset' }, order: { field: 'order' } }
    }
  ];
}

/**
 * The subniches of each subset (subniche `subplot`), one panel per subset: the polygon of all samples (black)
 * and of the subset's samples (colour), G_K (red) and an arrow from G_K to each taxon's subniche position.
 * No label covers another: as in `nichePositions`, the taxa without room are named under the panel's title.
 */
export function subniches(
  omi: OmiResult,
  wit: WitOmiResult,
  factor: ArrayLike<string | number>,
  options: {
    axes?: readonly [number, number];
    title?: string;
    taxa?: readonly string[];
    columns?: number;
  } = {}
): VegaLiteSpec {
  const axes = options.axes ?? [0, 1];
  checkAxes(omi.ls, axes, 'omi');
  const keep = options.taxa ? new Set(options.taxa) : null;
  const subsets = subsetSamples(omi, factor, wit.levels, axes);
  const all = subsets.flatMap(s => s.points);
  const outer = closedHull(all, { subset: 'all samples' });
  const s = omi.li.nRows;
  const frame = equalScaleFrame(all, { width: 320, minHeight: 240, maxHeight: 420, pad: 0.05 });
  const scale = (d: [number, number]) => ({ domain: d, nice: false, zero: false });
  const x = {
    field: 'x',
    type: 'quantitative',
    scale: scale(frame.x),
    title: axisTitle('OMI axis', omi.eig, axes[0])
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    scale: scale(frame.y),
    title: axisTitle('OMI axis', omi.eig, axes[1])
  };
  const labelled = wit.levels.map((level, k) => {
    const gk = { x: at(wit.subsetOrigins, k, axes[0]), y: at(wit.subsetOrigins, k, axes[1]) };
    const positions = Array.from({ length: s }, (_, j) => ({
      taxon: omi.li.rowNames[j],
      x: at(wit.subnichePositions, k * s + j, axes[0]),
      y: at(wit.subnichePositions, k * s + j, axes[1]),
      x0: gk.x,
      y0: gk.y
    })).filter(p => Number.isFinite(p.x) && (!keep || keep.has(p.taxon)));
    // From the farthest from G_K in: the taxa crowding G_K are placed last, those without room named under
    // the panel's title.
    const labels = labelOrdination(positions, frame, {
      name: 'taxon',
      arrowsFrom: gk,
      obstacles: [gk],
      fontSize: 10,
      mark: { fontStyle: 'italic' }
    });
    return { level, gk, positions, labels };
  });
  // Every subtitle as tall as the tallest: the panels of a row start at one height.
  const lines = Math.max(...labelled.map(p => p.labels.subtitle.length));
  const panels = labelled.map(({ level, gk, positions, labels }, k) => {
    const title = `${level} (${wit.subsetSizes[k]} samples)`;
    const subtitle = [
      ...labels.subtitle,
      ...Array<string>(lines - labels.subtitle.length).fill('')
    ];
    return {
      title: lines
        ? withSubtitle(title, subtitle, { fontSize: 12 })
        : { text: title, fontSize: 12 },
      width: frame.width,
      height: frame.height,
      layer: [
        {
          data: { values: outer },
          mark: { type: 'line', color: '#000', strokeWidth: 1 },
          encoding: { x, y, order: { field: 'order' } }
        },
        ...hullLayers(closedHull(subsets[k].points, { subset: level }), { value: BLUE }),
        {
          data: { values: subsets[k].points },
          mark: { type: 'point', color: BLUE, size: 8, opacity: 0.35 },
          encoding: { x, y }
        },
        {
          data: { values: positions },
          mark: { type: 'rule', color: '#555', strokeWidth: 1 },
          encoding: {
            x: { field: 'x0', type: 'quantitative', scale: scale(frame.x) },
            y: { field: 'y0', type: 'quantitative', scale: scale(frame.y) },
            x2: { field: 'x' },
            y2: { field: 'y' }
          }
        },
        {
          data: { values: positions },
          mark: { type: 'point', filled: true, color: '#222', size: 30, opacity: 1 },
          encoding: { x, y, tooltip: [{ field: 'taxon' }] }
        },
        {
          data: { values: [gk] },
          mark: { type: 'point', filled: true, color: RED, size: 80, opacity: 1 },
          encoding: { x, y }
        },
        ...labels.layers
      ]
    };
  });
  return spec({
    title: options.title ?? 'WitOMI: subniches of the taxa in each subset (from G_K, red)',
    columns: options.columns ?? fittingColumns(panels.length, frame.width),
    concat: panels
  });
}

/** A series with its trend, as `trendOf` gives it. */
export interface TrendLine {
  name: string;
  points: { x: number; y: number }[];
  slope: number;
  intercept: number;
  pValue: number;
}

/**
 * Points of each series and the line of its Sen slope (intercept + slope · x, Conover's intercept), one panel
 * per series; the panel title gives the slope (per `per` units of x, e.g. per decade) and the Mann–Kendall p-value.
 */
export function trendLines(
  series: readonly TrendLine[],
  options: {
    title?: string;
    x?: string;
    y?: string;
    unit?: string;
    per?: number;
    perLabel?: string;
    columns?: number;
  } = {}
): VegaLiteSpec {
  if (series.length === 0) {
    throw new WorkshopError('bad-option', messageText('trendLines needs at least one series'), {
      expected: messageText('≥ 1 series'),
      found: '0'
    });
  }
  const per = options.per ?? 1;
  const perLabel = options.perLabel ?? 'per year';
  const unit = options.unit ? ` ${options.unit}` : '';
  const panels = series.map(s => {
    const xs = s.points.map(p => p.x);
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs);
    const fit = [x0, x1].map(x => ({ x, y: s.intercept + s.slope * x }));
    const sign = s.slope >= 0 ? '+' : '−';
    const slope = `${sign}${formatNumber(Math.abs(s.slope * per))}${unit} ${perLabel} (p = ${formatNumber(s.pValue)})`;
    return {
      // The series' name over its slope, each cut to the panel's width (a taxon's name may be long: whole
      // in the table of shifts), not one line wider than the panel that pushed the figure past the output area.
      title: {
        text: `${s.name}:`,
        subtitle: slope,
        fontSize: 12,
        subtitleFontSize: 11,
        subtitleColor: '#444',
        limit: TREND_PANEL_WIDTH
      },
      width: TREND_PANEL_WIDTH,
      height: 170,
      layer: [
        {
          data: { values: s.points },
          mark: { type: 'line', color: '#9db7d5', strokeWidth: 1 },
          encoding: {
            x: {
              field: 'x',
              type: 'quantitative',
              title: options.x ?? 'year',
              scale: { zero: false },
              axis: { format: 'd' }
            },
            y: {
              field: 'y',
              type: 'quantitative',
              title: options.y ?? 'value',
              scale: { zero: false }
            }
          }
        },
        {
          data: { values: s.points },
          mark: { type: 'point', filled: true, color: '#1f5fa8', size: 28 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            tooltip: [
              { field: 'x', title: options.x ?? 'year' },
              { field: 'y', format: '.3f', title: options.y ?? 'value' }
            ]
          }
        },
        {
          data: { values: fit },
          mark: {
            type: 'line',
            color: s.pValue <= 0.05 ? RED : '#555',
            strokeWidth: 2.5,
            strokeDash: s.pValue <= 0.05 ? [] : [6, 4]
          },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' }
          }
        }
      ]
    };
  });
  return spec({
    title: options.title ?? 'Trends with their Sen slopes (red: Mann–Kendall p ≤ 0.05)',
    columns: options.columns ?? fittingColumns(panels.length, TREND_PANEL_WIDTH),
    concat: panels
  });
}

/** One point of a latitudinal comparison: a taxon's niche centroid at a station. */
export interface LatitudePoint {
  taxon: string;
  siteId: string;
  latitude: number;
  centroid: number;
  /** Weighted SD (niche breadth) at the station; drawn as an error bar when given. */
  breadth?: number;
}

/**
 * Niche centroids against latitude: each taxon's centroid at each station (with its breadth as a bar), joined
 * north to south, and the stations' mean environment (black, dashed) for reference.
 */
export function centroidLatitude(
  points: readonly LatitudePoint[],
  options: {
    title?: string;
    variable?: string;
    unit?: string;
    stations?: readonly { siteId: string; latitude: number; mean: number }[];
  } = {}
): VegaLiteSpec {
  const yTitle = `${options.variable ?? 'centroid'}${options.unit ? ` (${options.unit})` : ''}`;
  const rows = points.map(p => ({
    ...p,
    low: p.breadth === undefined ? null : p.centroid - p.breadth,
    high: p.breadth === undefined ? null : p.centroid + p.breadth
  }));
  const x = {
    field: 'latitude',
    type: 'quantitative',
    title: 'latitude (°N)',
    scale: { zero: false }
  };
  const color = {
    field: 'taxon',
    type: 'nominal',
    title: 'taxon',
    scale: nominalScale([...new Set(points.map(p => p.taxon))].sort()),
    legend: { labelFontStyle: 'italic' }
  };
  const layers: VegaLiteSpec[] = [
    {
      data: { values: rows.filter(r => r.low !== null) },
      mark: { type: 'rule', opacity: 0.35, strokeWidth: 1.5 },
      encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color }
    },
    {
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1.5, point: { filled: true, size: 40 } },
      encoding: {
        x,
        y: { field: 'centroid', type: 'quantitative', title: yTitle, scale: { zero: false } },
        color,
        order: { field: 'latitude' },
        tooltip: [
          { field: 'taxon' },
          { field: 'siteId', title: 'station' },
          { field: 'latitude', format: '.2f' },
          { field: 'centroid', format: '.2f' },
          { field: 'breadth', format: '.2f' }
        ]
      }
    }
  ];
  if (options.stations) {
    layers.push({
      data: {
        values: options.stations.map(s => ({ ...s, what: 'stations: mean of all samples' }))
      },
      mark: {
        type: 'line',
        color: '#000',
        strokeDash: [5, 4],
        strokeWidth: 2,
        point: { shape: 'square', filled: true, color: '#000', size: 40 }
      },
      encoding: {
        x,
        y: { field: 'mean', type: 'quantitative' },
        order: { field: 'latitude' },
        tooltip: [
          { field: 'siteId', title: 'station' },
          { field: 'mean', format: '.2f' }
        ]
      }
    });
  }
  return spec({
    title: options.title ?? `Niche centroids against latitude: ${options.variable ?? ''}`,
    width: 560,
    height: 340,
    layer: layers
  });
}

/** Numbers for labels: at most 4 significant digits, small p-values in exponent form. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(4)));
}
