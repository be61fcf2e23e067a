/**
 * The parameters cell of a template notebook (papermill's convention: the code cell tagged `parameters`).
 * It holds one `const` per parameter, its meaning as a comment above it, and values written as JSON, so the
 * same text is valid JavaScript and TypeScript, reads back exactly, and can be edited by hand and rerun.
 */
import { messageText } from '@odatis-vre/harmonised';
import { WorkshopError } from './errors';
import {
  PARAMETER_DOCS,
  type ParameterName,
  type TemplateSpec,
  type TemplateValues
} from './templates';

export const PARAMETERS_TAG = 'parameters';

/** The parts of an nbformat 4 notebook the templates touch. */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
  [key: string]: unknown;
}

export interface NotebookContent {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export function cellText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

const HEADER =
  '// Parameters (the cell tagged "parameters"; the launcher writes it). Change a value, then run all cells again.';

/** The text of the parameters cell for these values (defaults of the template for the others). */
export function renderParameters(spec: TemplateSpec, values: Partial<TemplateValues> = {}): string {
  const lines = [HEADER];
  for (const name of spec.parameters) {
    const value = name in values ? values[name] : spec.defaults[name];
    if (value === undefined) {
      throw new WorkshopError(
        'bad-option',
        messageText('the template "%1" has no value for %2', spec.id, name),
        {
          column: name,
          expected: messageText('a value or a default'),
          found: messageText('nothing')
        }
      );
    }
    lines.push(`// ${PARAMETER_DOCS[name]}`, `const ${name} = ${JSON.stringify(value)};`);
  }
  return lines.join('\n');
}

const ASSIGNMENT = /^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(.*?);?\s*$/;

/**
 * The values of a parameters cell written as `const name = <JSON>;`, one per line. A line that assigns
 * something else than JSON is an error naming its line.
 */
export function parseParameters(source: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  source.split('\n').forEach((line, k) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('//')) return;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      throw new WorkshopError(
        'bad-notebook',
        messageText('line %1 of the parameters cell is not an assignment', k + 1),
        {
          row: String(k + 1),
          expected: 'const name = value;',
          found: trimmed
        }
      );
    }
    try {
      values[m[1]] = JSON.parse(m[2]);
    } catch (e) {
      throw new WorkshopError(
        'bad-notebook',
        messageText('line %1 of the parameters cell: the value of %2 is not JSON', k + 1, m[1]),
        {
          row: String(k + 1),
          column: m[1],
          expected: messageText('a JSON value (numbers, "text", [lists], { "objects" }, null)'),
          found: `${m[2]} (${(e as Error).message})`
        }
      );
    }
  });
  return values;
}

/** Index of the code cell tagged `parameters`; an error when there is none or several. */
export function parametersCellIndex(notebook: NotebookContent): number {
  const found = notebook.cells.flatMap((c, i) =>
    c.cell_type === 'code' && (c.metadata?.tags ?? []).includes(PARAMETERS_TAG) ? [i] : []
  );
  if (found.length !== 1) {
    throw new WorkshopError(
      'bad-notebook',
      messageText('a template needs exactly one code cell tagged "parameters"'),
      {
        expected: messageText('1 cell tagged "parameters"'),
        found:
          found.length === 0
            ? messageText('none')
            : messageText('%1 (cells %2)', found.length, found.map(i => i + 1).join(', '))
      }
    );
  }
  return found[0];
}

/**
 * A copy of the template with its parameters cell written for these values, every output and execution count
 * cleared (the copy has not run yet).
 */
export function fillParameters(
  notebook: NotebookContent,
  spec: TemplateSpec,
  values: Partial<TemplateValues>
): NotebookContent {
  const index = parametersCellIndex(notebook);
  const source = renderParameters(spec, values);
  return {
    ...notebook,
    cells: notebook.cells.map((cell, i) => {
      const copy: NotebookCell = { ...cell, metadata: { ...cell.metadata } };
      if (cell.cell_type === 'code') {
        copy.outputs = [];
        copy.execution_count = null;
      }
      if (i === index) copy.source = source;
      return copy;
    })
  };
}

/** The template's parameters as the notebook's cell gives them, checked against the template's names. */
export function readParameters(
  notebook: NotebookContent,
  spec: TemplateSpec
): Partial<TemplateValues> {
  const values = parseParameters(cellText(notebook.cells[parametersCellIndex(notebook)]));
  const unknown = Object.keys(values).filter(k => !spec.parameters.includes(k as ParameterName));
  if (unknown.length) {
    throw new WorkshopError(
      'bad-notebook',
      messageText('the parameters cell assigns names the template "%1" does not have', spec.id),
      {
        expected: spec.parameters.join(', '),
        found: unknown.join(', ')
      }
    );
  }
  return values as Partial<TemplateValues>;
}
