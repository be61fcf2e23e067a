/**
 * Readable ordination plots: a frame with the same units per pixel on both axes (distances in an OMI plane
 * mean something), and labels placed where they overlap the least (Vega-Lite has no label placement of its own;
 * ade4 draws them where they fall). Labels go to one of eight positions around their point, chosen greedily,
 * most important label first, against the labels already placed and every point of the plot. Where many
 * points crowd (fifty taxa of a station), a label that finds no free place can be left out rather than drawn
 * over another: the figure says which.
 */
export interface Frame {
  x: [number, number];
  y: [number, number];
  width: number;
  height: number;
}

/**
 * Domains holding the given points with equal scales: `width` pixels for the x range (padded), the height
 * following the y range, kept within [minHeight, maxHeight] by widening the y domain.
 */
export function equalScaleFrame(
  points: readonly { x: number; y: number }[],
  options: {
    width: number;
    minHeight: number;
    maxHeight: number;
    pad?: number;
    include?: [number, number][];
  }
): Frame {
  const all = [...points, ...(options.include ?? []).map(([x, y]) => ({ x, y }))].filter(
    p => Number.isFinite(p.x) && Number.isFinite(p.y)
  );
  const pad = options.pad ?? 0.12;
  let [x0, x1] = [Math.min(0, ...all.map(p => p.x)), Math.max(0, ...all.map(p => p.x))];
  let [y0, y1] = [Math.min(0, ...all.map(p => p.y)), Math.max(0, ...all.map(p => p.y))];
  const span = Math.max(x1 - x0, y1 - y0, 1e-12);
  x0 -= pad * span;
  x1 += pad * span;
  y0 -= pad * span;
  y1 += pad * span;
  const perUnit = options.width / (x1 - x0);
  let height = (y1 - y0) * perUnit;
  if (height < options.minHeight || height > options.maxHeight) {
    height = Math.min(options.maxHeight, Math.max(options.minHeight, height));
    if (height > (y1 - y0) * perUnit) {
      const grow = (height / perUnit - (y1 - y0)) / 2;
      y0 -= grow;
      y1 += grow;
    } else {
      // Taller than allowed: keep equal scales by narrowing the pixels per unit, widening x instead.
      const units = (y1 - y0) / height;
      const grow = (options.width * units - (x1 - x0)) / 2;
      x0 -= grow;
      x1 += grow;
    }
  }
  return { x: [x0, x1], y: [y0, y1], width: options.width, height: Math.round(height) };
}

/**
 * Names as lines of a figure's subtitle (the labels left out: a printed figure has no tooltips), as many on a
 * line as `width` pixels hold at 11 px. Semicolons part them: a name of a complex may hold a comma.
 */
export function wrappedNames(names: readonly string[], width: number): string[] {
  return wrapped(names, width, ';');
}

/** A sentence as lines of a figure's subtitle, as many words on a line as `width` pixels hold at 11 px. */
export function wrappedWords(text: string, width: number): string[] {
  return wrapped(text.split(' '), width, '');
}

/** `parts` as lines of at most `width` pixels at 11 px, each part followed by `separator` and a space. */
function wrapped(parts: readonly string[], width: number, separator: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const next = line ? `${line}${separator} ${part}` : part;
    if (line && textWidth(next, 11) > width) {
      lines.push(`${line}${separator}`);
      line = part;
    } else line = next;
  }
  return [...lines, line];
}

/** Where a label sits around its point: offset in pixels and text anchoring. */
interface Placement {
  dx: number;
  dy: number;
  align: 'left' | 'right' | 'center';
  baseline: 'middle' | 'bottom' | 'top';
}

const PLACEMENTS: Placement[] = [
  { dx: 6, dy: 0, align: 'left', baseline: 'middle' },
  { dx: -6, dy: 0, align: 'right', baseline: 'middle' },
  { dx: 0, dy: -6, align: 'center', baseline: 'bottom' },
  { dx: 0, dy: 6, align: 'center', baseline: 'top' },
  { dx: 5, dy: -5, align: 'left', baseline: 'bottom' },
  { dx: -5, dy: -5, align: 'right', baseline: 'bottom' },
  { dx: 5, dy: 5, align: 'left', baseline: 'top' },
  { dx: -5, dy: 5, align: 'right', baseline: 'top' }
];

/** A label's box in pixels of its frame (y downwards, as drawn). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The width in pixels of `text` drawn at `fontSize`, by the advance widths of DejaVu Sans (the sans-serif of
 * Linux browsers, wider than Arial or Helvetica: an estimate that is never short elsewhere), by class of
 * character. The old estimate, 0.6 em for every character, was short for capitals and m/w: TEMP in bold
 * overlapped what was placed beside it.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (/[ijlI.,:;'’!|]/.test(ch)) em += 0.3;
    else if (/[frt ()\-/\[\]]/.test(ch)) em += 0.42;
    else if (/[mwMW]/.test(ch)) em += 1;
    else if (/[A-Z]/.test(ch)) em += 0.8;
    else em += 0.64;
  }
  return em * fontSize * (bold ? 1.12 : 1);
}

/** Height of a label's box: the font's ascent and descent (DejaVu Sans: 1.17 em), and a pixel to spare. */
const lineHeight = (fontSize: number) => 1.2 * fontSize + 1;

/**
 * Names short enough to label points: at most `max` characters, cut after a whole word and ended by "…" (a
 * parenthesised list of species goes first, a cut never ends on "+" or a comma), each still told apart from
 * the other `names`: a cut that begins another name (Pseudo-nitzschia, complexe… of two complexes) keeps
 * words until it does not. The full name stays in the tooltips.
 */
export function shortLabels(names: readonly string[], max = 32): string[] {
  const whole = names.map(n => n.replace(/\s*\(.*\)\s*$/, '').trim());
  const words = whole.map(n => n.split(/\s+/).filter(w => w));
  const kept = (k: number, n: number) => {
    const w = words[k].slice(0, n);
    while (w.length > 1 && /^[+&,;:]$/.test(w[w.length - 1])) w.pop();
    return w.join(' ').replace(/[,;:]$/, '');
  };
  const begins = (j: number, text: string) =>
    whole[j] === text ||
    (whole[j].startsWith(text) && /^[\s,;:]/.test(whole[j].slice(text.length)));
  return names.map((name, k) => {
    let n = 1;
    while (n < words[k].length && kept(k, n + 1).length <= max) n++;
    while (n < words[k].length && whole.some((_, j) => j !== k && begins(j, kept(k, n)))) n++;
    const label = kept(k, n);
    return label === name ? name : `${label}…`;
  });
}

/**
 * The box a label's text covers, as browsers draw it: its line box, which a `top` baseline starts ≈ 0.2 em
 * above the anchor (Vega puts the cap height, not the ascent, there); and half a pixel around, so that two
 * labels keep a pixel apart.
 */
function boxOf(px: number, py: number, width: number, fontSize: number, p: Placement): Box {
  const height = lineHeight(fontSize);
  const x = px + p.dx;
  const y = py + p.dy;
  const x0 = p.align === 'left' ? x : p.align === 'right' ? x - width : x - width / 2;
  const y0 =
    p.baseline === 'top'
      ? y - 0.2 * fontSize
      : p.baseline === 'bottom'
        ? y - height
        : y - height / 2;
  return { x0: x0 - 0.5, y0: y0 - 0.5, x1: x0 + width + 0.5, y1: y0 + height + 0.5 };
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

export interface Label {
  x: number;
  y: number;
  text: string;
  /** Preferred direction of the label from its point, radians in data space (e.g. outward along an arrow). */
  toward?: number;
  [key: string]: unknown;
}

/**
 * Distances of the label rings, as multiples of the placements' own offsets (≈ 6 px): the first ring touches
 * its point; the others, with a leader line back to the point, make room when points crowd (subsets' G_K of
 * short periods sit within a few pixels of each other near the origin).
 */
const RINGS = [1, 3, 5.5, 9];

export interface LabelOptions {
  fontSize?: number;
  /** Other points of the plot, in data units, that labels should not cover. */
  obstacles?: readonly { x: number; y: number }[];
  mark?: Record<string, unknown>;
  encoding?: Record<string, unknown>;
  /**
   * A label that has no room next to its point may sit farther out (up to ≈ 60 px) along one of the eight
   * directions, joined to its point by a thin line, and every label gets a white halo (it may sit over a dense
   * cloud of samples).
   */
  leaders?: boolean;
  /** The colour encoding of the leader lines (e.g. a subset's colour, as its point has). */
  leaderColor?: Record<string, unknown>;
  /**
   * Leave out a label that finds no place inside the frame clear of every label placed before it (drawn over
   * another, it hid both): `omitted` lists them. Without, every label is drawn where it overlaps the least.
   */
  omitCrowded?: boolean;
  /** Boxes of labels already on the plot (another call's `boxes`): these labels keep clear of them. */
  placed?: readonly Box[];
}

export interface PlacedLabels {
  /** Text layers (one per placement used), the leader lines' layer first. */
  layers: Record<string, unknown>[];
  /** The labels drawn, in their order. */
  drawn: Label[];
  /** The labels left out for lack of room (`omitCrowded`), in their order. */
  omitted: Label[];
  /** The boxes of the labels drawn, in pixels of the frame. */
  boxes: Box[];
}

/**
 * Places labels given in data units in the frame, in the order given (the most important first): each at the
 * cheapest of its candidate places — near its point, in its preferred direction, inside the frame, over as
 * little as possible of the labels placed before it and of the points.
 */
export function placeLabels(
  labels: readonly Label[],
  frame: Frame,
  options: LabelOptions = {}
): PlacedLabels {
  const fontSize = options.fontSize ?? 11;
  const bold = options.mark?.fontWeight === 'bold';
  const px = (x: number) => ((x - frame.x[0]) / (frame.x[1] - frame.x[0])) * frame.width;
  const py = (y: number) => (1 - (y - frame.y[0]) / (frame.y[1] - frame.y[0])) * frame.height;
  const rings = options.leaders ? RINGS : RINGS.slice(0, 1);
  const candidates = rings.flatMap((ring, r) =>
    PLACEMENTS.map((p, k) => ({
      ring: r,
      placement: { ...p, dx: p.dx * ring, dy: p.dy * ring },
      // nearer first; then the order of PLACEMENTS
      rank: r * PLACEMENTS.length + k
    }))
  );
  const placed: Box[] = [...(options.placed ?? [])];
  const points: Box[] = [...labels, ...(options.obstacles ?? [])].map(p => ({
    x0: px(p.x) - 3,
    y0: py(p.y) - 3,
    x1: px(p.x) + 3,
    y1: py(p.y) + 3
  }));
  const chosen = labels.map(label => {
    const width = textWidth(label.text, fontSize, bold) + 2;
    let best = -1;
    let bestCost = Infinity;
    candidates.forEach(({ ring, placement, rank }, c) => {
      const box = boxOf(px(label.x), py(label.y), width, fontSize, placement);
      const outside =
        Math.max(0, -box.x0) +
        Math.max(0, box.x1 - frame.width) +
        Math.max(0, -box.y0) +
        Math.max(0, box.y1 - frame.height);
      if (options.omitCrowded && outside > 0) return;
      // each ring farther out costs 0.3 of the label's own area
      let cost = outside * fontSize * 4 + rank * 0.01 + ring * fontSize * width * 0.3;
      if (label.toward !== undefined) {
        // 0 when the label lies in the preferred direction, up to 2 × the label's height when opposite.
        const norm = Math.hypot(placement.dx, placement.dy);
        const cos =
          (placement.dx * Math.cos(label.toward) - placement.dy * Math.sin(label.toward)) / norm;
        cost += (1 - cos) * fontSize * width * 0.25;
      }
      for (const b of placed) {
        const o = overlap(box, b);
        if (options.omitCrowded && o > 0) return;
        // with leaders, any label over another costs more than the farthest ring: it is what makes a plot
        // unreadable
        if (options.leaders && o > 0) cost += o * 4 + fontSize * width * 0.3 * RINGS.length;
        else cost += o;
      }
      for (const b of points) cost += overlap(box, b) * 0.5;
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
    });
    if (best >= 0) {
      placed.push(boxOf(px(label.x), py(label.y), width, fontSize, candidates[best].placement));
    }
    return best;
  });
  // pixels to data units, for the leader lines' ends (the frame's domains are the plot's)
  const perPixelX = (frame.x[1] - frame.x[0]) / frame.width;
  const perPixelY = (frame.y[1] - frame.y[0]) / frame.height;
  const leaders = labels.flatMap((label, i) => {
    if (chosen[i] < 0) return [];
    const { ring, placement } = candidates[chosen[i]];
    if (ring === 0) return [];
    // stop short of the text by 2 px
    const norm = Math.hypot(placement.dx, placement.dy);
    const f = (norm - 2) / norm;
    return [
      {
        ...label,
        x2: label.x + placement.dx * f * perPixelX,
        y2: label.y - placement.dy * f * perPixelY
      }
    ];
  });
  const leaderLayer =
    leaders.length === 0
      ? []
      : [
          {
            data: { values: leaders },
            mark: { type: 'rule', color: '#555', strokeWidth: 1.2 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              x2: { field: 'x2' },
              y2: { field: 'y2' },
              ...(options.leaderColor ? { color: options.leaderColor } : {})
            }
          }
        ];
  const layers = [
    ...leaderLayer,
    ...candidates.flatMap(({ placement }, c) => {
      const values = labels.filter((_, i) => chosen[i] === c);
      if (values.length === 0) return [];
      const mark = {
        type: 'text',
        fontSize,
        align: placement.align,
        baseline: placement.baseline,
        dx: placement.dx,
        dy: placement.dy,
        ...options.mark
      };
      const encoding = {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        text: { field: 'text' },
        ...options.encoding
      };
      // the halo: the same text, stroked white, under the label
      const halo = { ...mark, color: '#fff', stroke: '#fff', strokeWidth: 3, strokeJoin: 'round' };
      return [
        ...(options.leaders ? [{ data: { values }, mark: halo, encoding }] : []),
        { data: { values }, mark, encoding }
      ];
    })
  ];
  return {
    layers,
    drawn: labels.filter((_, i) => chosen[i] >= 0),
    omitted: labels.filter((_, i) => chosen[i] < 0),
    boxes: placed.slice(options.placed?.length ?? 0)
  };
}

/** The text layers of `placeLabels`: every label drawn, where it overlaps the least. */
export function placedLabelLayers(
  labels: readonly Label[],
  frame: Frame,
  options: Omit<LabelOptions, 'omitCrowded'> = {}
): Record<string, unknown>[] {
  return placeLabels(labels, frame, options).layers;
}

/** A point of an ordination plot to name: a species or taxon, by its full name in the `name` field. */
export type OrdinationPoint = { x: number; y: number } & Record<string, unknown>;

export interface OrdinationLabelOptions<T extends OrdinationPoint> {
  /** The field of each point that holds its full name: shortened in the label, whole in its tooltip. */
  name: keyof T & string;
  /** The arrow heads of the environmental variables, from the origin: labelled first, outward along their arrow. */
  variables?: readonly Label[];
  /** The variables' font: size and mark properties (colour, weight). */
  variableFont?: { fontSize?: number; mark?: Record<string, unknown> };
  /**
   * Where the points' arrows start (subniches: G_K, their subset's origin): the labels lean away from it, and
   * the points are placed from the farthest from it. Default: no arrows, placed from the farthest from G.
   */
  arrowsFrom?: { x: number; y: number };
  /** Points placed before the others, whatever their distance (e.g. a significant marginality). */
  first?: (point: T) => boolean;
  /** Points to label, where there is room; default all. Short names are told apart from every point's. */
  labelled?: (point: T) => boolean;
  /** Other points of the plot that labels keep off (G_K). */
  obstacles?: readonly { x: number; y: number }[];
  /** The points' labels: size, mark (e.g. italic), encoding (e.g. a colour); the tooltip is the full name. */
  fontSize?: number;
  mark?: Record<string, unknown>;
  encoding?: Record<string, unknown>;
  /**
   * The first line of the subtitle when labels are left out, from how many are and of how many; default
   * "n of m taxa not labelled for lack of room (their points give their names on hover):".
   */
  omittedLine?: (omitted: number, of: number) => string;
}

export interface OrdinationLabels {
  /** The variables' label layers (drawn under the points, as the arrows). */
  variableLayers: Record<string, unknown>[];
  /** The points' label layers, their leader lines first. */
  layers: Record<string, unknown>[];
  /** The points' labels drawn, most important first. */
  drawn: Label[];
  /** The points' labels left out for lack of room, most important first. */
  omitted: Label[];
  /**
   * The subtitle naming the points left out (a printed figure has no tooltips), in lines that fit the frame's
   * width; empty when every point is labelled.
   */
  subtitle: string[];
}

/**
 * The labels of an ordination plot (OMI niche positions, WitOMI subniches), as ade4 names its points but with
 * no label over another: the variables first, along their arrows; then the points by importance — `first`,
 * then from the outside in (the crowded centre last) — each next to its point or out on a leader line; a point
 * left without room is named in the subtitle, its point giving its name on hover. Long names of complexes are
 * cut after a word, still told apart.
 */
export function labelOrdination<T extends OrdinationPoint>(
  points: readonly T[],
  frame: Frame,
  options: OrdinationLabelOptions<T>
): OrdinationLabels {
  const variables = options.variables ?? [];
  const variableLabels = placeLabels(
    variables.map(v => ({ ...v, toward: Math.atan2(v.y, v.x) })),
    frame,
    { fontSize: options.variableFont?.fontSize, mark: options.variableFont?.mark }
  );
  const from = options.arrowsFrom ?? { x: 0, y: 0 };
  const reach = (p: { x: number; y: number }) => Math.hypot(p.x - from.x, p.y - from.y);
  const first = (p: T) => Number(options.first?.(p) ?? false);
  const names = shortLabels(points.map(p => String(p[options.name])));
  const candidates = points
    .map((p, j) => ({
      ...p,
      text: names[j],
      ...(options.arrowsFrom ? { toward: Math.atan2(p.y - from.y, p.x - from.x) } : {})
    }))
    .filter(p => !options.labelled || options.labelled(p))
    .sort((a, b) => first(b) - first(a) || reach(b) - reach(a));
  const pointLabels = placeLabels(candidates, frame, {
    fontSize: options.fontSize,
    obstacles: [...variables, ...(options.obstacles ?? [])],
    mark: options.mark,
    encoding: { ...options.encoding, tooltip: { field: options.name, type: 'nominal' } },
    omitCrowded: true,
    leaders: true,
    placed: variableLabels.boxes
  });
  const omitted = pointLabels.omitted.map(l => l.text);
  const omittedLine =
    options.omittedLine ??
    ((n: number, of: number) =>
      `${n} of ${of} taxa not labelled for lack of room (their points give their names on hover):`);
  return {
    variableLayers: variableLabels.layers,
    layers: pointLabels.layers,
    drawn: pointLabels.drawn,
    omitted: pointLabels.omitted,
    subtitle: omitted.length
      ? [
          // a narrow panel (WitOMI's subsets) breaks the sentence too
          ...wrappedWords(omittedLine(omitted.length, candidates.length), frame.width),
          ...wrappedNames(omitted, frame.width)
        ]
      : []
  };
}
