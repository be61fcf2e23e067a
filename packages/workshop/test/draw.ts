import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from '../src';

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
