/**
 * The committed template notebooks as the launcher uses them: on the NEO kernel, one `parameters` cell that is
 * exactly what the launcher writes for the template's defaults, and copies under a free name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cellText, parametersCellIndex, renderParameters } from '@odatis-vre/workshop';
import { fillParameters, freeName, readParameters, TEMPLATES, type NotebookContent } from '../src';

const DIR = path.resolve(__dirname, '../../../examples/templates');

test.each(TEMPLATES.map(t => [t.id, t] as const))(
  '%s: a NEO notebook whose parameters cell is the launcher’s',
  (_, spec) => {
    const notebook = JSON.parse(
      fs.readFileSync(path.join(DIR, spec.file), 'utf8')
    ) as NotebookContent;
    expect((notebook.metadata.kernelspec as { name: string }).name).toBe('neo');
    const index = parametersCellIndex(notebook);
    expect(cellText(notebook.cells[index])).toBe(renderParameters(spec));
    expect(readParameters(notebook, spec)).toEqual(spec.defaults);
    // the launcher's copy: new values in the cell, nothing run yet
    const copy = fillParameters(notebook, spec, { windowDays: 1 });
    expect(readParameters(copy, spec)).toEqual({ ...spec.defaults, windowDays: 1 });
    expect(
      copy.cells.every(
        c => c.cell_type !== 'code' || (c.outputs?.length === 0 && c.execution_count === null)
      )
    ).toBe(true);
    expect(notebook.cells[notebook.cells.length - 2].cell_type).toBe('code');
    expect(cellText(notebook.cells[notebook.cells.length - 2])).toContain('citationTable');
  }
);

test('every notebook of the templates folder is a template', () => {
  expect(fs.readdirSync(DIR).sort()).toEqual(TEMPLATES.map(t => t.file).sort());
});

test('a copy never takes the name of an existing file', () => {
  expect(freeName('community-niche-omi.ipynb', new Set())).toBe('community-niche-omi.ipynb');
  expect(freeName('community-niche-omi.ipynb', new Set(['community-niche-omi.ipynb']))).toBe(
    'community-niche-omi-2.ipynb'
  );
  expect(freeName('a.ipynb', new Set(['a.ipynb', 'a-2.ipynb', 'a-3.ipynb', 'b.ipynb']))).toBe(
    'a-4.ipynb'
  );
});
