import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from '../src';
import { textWidth } from '../src/labels';

/** Where the figures' SVGs are kept, to look at. */
const ARTIFACTS = path.resolve(__dirname, '../../../test/artifacts/workshop-figures');

/** Keeps a figure's SVG in the artifacts folder as `<name>.svg`. */
export function keep(name: string, svg: string): void {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.svg`), svg);
}

/**
 * Compiles a spec with vega-lite and draws it to SVG with vega (the versions JupyterLab's renderer uses); the
 * SVG text, also kept in the artifacts folder.
 */
export async function draw(name: string, spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  keep(name, svg);
  return svg;
}

/**
 * The width of a figure as Chromium draws it, in pixels: vega sizes the SVG to the figure, titles and legends
 * in, measuring its texts in DejaVu Sans (Chromium's sans-serif here), not by its estimate of 0.8 em a
 * character (without a canvas in node), which would make every title far too wide.
 */
export async function drawnWidth(spec: VegaLiteSpec): Promise<number> {
  // vega's text measurement, replaceable (as vl-convert does), though its typings leave it out
  const metrics = (
    vega as unknown as {
      textMetrics: {
        width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number;
      };
    }
  ).textMetrics;
  const estimate = metrics.width;
  metrics.width = (item, text) =>
    textWidth(
      String(text ?? '').trim(),
      item.fontSize ?? 11,
      item.fontWeight === 'bold' || Number(item.fontWeight) >= 600
    );
  try {
    const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    return Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  } finally {
    metrics.width = estimate;
  }
}
