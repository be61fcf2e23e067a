/**
 * What a NEO cell is: a `%%sql` magic, or JavaScript/TypeScript. Code cells are compiled into the body of
 * an async function, so that top-level `await` works and the names a cell declares outlive it:
 *
 * - TypeScript types are stripped by sucrase, which keeps every line where it was;
 * - acorn finds the top-level declarations, which become properties of the kernel's scope object
 *   (`const a = 1` → `(a = 1)` inside `with (scope)`): the next cell sees them, and a cell may declare a
 *   name again, as in a REPL;
 * - the last expression statement is returned: it is the cell's result.
 *
 * Edits never add or remove a line break, so a line in an error is the line in the cell.
 */
import { parse, type Node, type Pattern, type Program } from 'acorn';
import { messageText, translateText, type MessageText } from '@odatis-vre/harmonised';
import { transform } from 'sucrase';

/** A `%%sql` cell: its SQL and the variable that keeps the result, if named. */
export interface SqlCell {
  kind: 'sql';
  sql: string;
  variable: string | null;
}

export interface CodeCell {
  kind: 'code';
  /** Body of `async function (scope)`, starting with `with (scope) {` on the cell's first line. */
  body: string;
  /** Names declared at the top level, in order. */
  declared: string[];
  /**
   * The column in the cell of a column of the compiled body (both 1-based), or null where the line
   * was changed by type stripping (the line is right, the column cannot be told).
   */
  cellColumn(line: number, column: number): number | null;
}

/** A cell that cannot run as written: what is wrong, where (1-based line and column of the cell). */
export class CellSyntaxError extends Error {
  override readonly name = 'SyntaxError';
  /** The message's msgid and arguments when it is ours (not the parser's), for the kernel to translate. */
  readonly text: MessageText | null;
  constructor(
    message: string | MessageText,
    readonly line: number,
    readonly column: number
  ) {
    super(typeof message === 'string' ? message : translateText(message));
    this.text = typeof message === 'string' ? null : message;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `%%sql`, `%%sql name`: the magic line, or null for a code cell. */
export function parseSqlCell(source: string): SqlCell | null {
  const match = /^[ \t]*%%sql\b([^\n]*)(?:\n|$)/.exec(source);
  if (!match) {
    return null;
  }
  const args = match[1].trim();
  if (args !== '' && !IDENTIFIER.test(args)) {
    throw new CellSyntaxError(
      messageText('%1 takes one variable name to keep the result in, found "%2"', '%%sql', args),
      1,
      source.indexOf(args) + 1
    );
  }
  return { kind: 'sql', sql: source.slice(match[0].length), variable: args || null };
}

/** The name under which the kernel's scope object is passed to a compiled cell. */
export const SCOPE = '__neo_scope__';

interface Edit {
  at: number;
  /** Characters replaced from `at`. */
  remove: number;
  insert: string;
}

/** Compile a JavaScript or TypeScript cell (see the module comment). */
export function compileCell(source: string): CodeCell {
  const js = stripTypes(source);
  const program = parseScript(js);
  const edits: Edit[] = [];
  const declared: string[] = [];
  const functions: string[] = [];
  const statements = program.body;
  statements.forEach((statement, index) => {
    const last = index === statements.length - 1;
    switch (statement.type) {
      case 'VariableDeclaration': {
        // `const a = 1, {b} = o;` → `;(a = 1, {b} = o);` (the leading `;` keeps ASI from gluing it on).
        edits.push({ at: statement.start, remove: statement.kind.length, insert: ';(' });
        for (const declarator of statement.declarations) {
          collectNames(declarator.id, declared);
          if (!declarator.init) {
            edits.push({ at: declarator.id.end, remove: 0, insert: ' = undefined' });
          }
        }
        const end = statement.declarations[statement.declarations.length - 1].end;
        edits.push({ at: end, remove: 0, insert: ')' });
        break;
      }
      case 'FunctionDeclaration':
        // Hoisted in the cell; copied to the scope when the cell starts, as hoisting would.
        declared.push(statement.id.name);
        functions.push(statement.id.name);
        break;
      case 'ClassDeclaration':
        declared.push(statement.id!.name);
        edits.push({ at: statement.start, remove: 0, insert: `;${statement.id!.name} = ` });
        edits.push({ at: statement.end, remove: 0, insert: ';' });
        break;
      case 'ExpressionStatement':
        if (last && !('directive' in statement && statement.directive)) {
          edits.push({ at: statement.expression.start, remove: 0, insert: 'return (' });
          edits.push({ at: statement.expression.end, remove: 0, insert: ')' });
        }
        break;
      default:
        break;
    }
  });
  const hoisted = functions.map(name => `${SCOPE}.${name} = ${name};`).join(' ');
  const prologue = `with (${SCOPE}) { ${hoisted}`;
  const body = `${prologue}${applyEdits(js, edits)}\n}`;
  // The prologue comes before every edit at the cell's first character (sorting is stable).
  const compiled = [{ at: 0, remove: 0, insert: prologue }, ...edits].sort((a, b) => a.at - b.at);
  const sourceLines = source.split('\n');
  const jsLines = js.split('\n');
  const lineStarts = jsLines.reduce<number[]>(
    (starts, line) => [...starts, starts[starts.length - 1] + line.length + 1],
    [0]
  );
  return {
    kind: 'code',
    body,
    declared: [...new Set(declared)],
    cellColumn(line, column) {
      if (jsLines[line - 1] !== sourceLines[line - 1]) {
        return null;
      }
      const from = lineStarts[line - 1];
      const to = lineStarts[line];
      const onLine = compiled.filter(e => e.at >= from && e.at < to);
      // Walk the line's edits: `shift` is how far the compiled line has moved right of the cell's.
      let shift = 0;
      for (const edit of onLine) {
        const start = edit.at - from + shift;
        if (column - 1 < start) break;
        if (column - 1 < start + edit.insert.length) return edit.at - from + 1;
        shift += edit.insert.length - edit.remove;
      }
      return column - shift;
    }
  };
}

/** TypeScript → JavaScript with the same lines (sucrase); plain JavaScript passes through unchanged. */
function stripTypes(source: string): string {
  try {
    return transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      // A cell is not a module: keep sucrase from treating unknown imports as type-only and dropping them.
      keepUnusedImports: true
    }).code;
  } catch (e) {
    const { line, column } = sucraseLocation(source, e);
    throw new CellSyntaxError(cleanMessage((e as Error).message), line, column);
  }
}

function parseScript(js: string): Program {
  try {
    return parse(js, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowAwaitOutsideFunction: true,
      locations: true
    });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc ?? { line: 1, column: 0 };
    const message = cleanMessage((e as Error).message);
    throw new CellSyntaxError(
      /'import' and 'export' may appear only/.test(message)
        ? messageText(
            'import and export statements are not available in a notebook cell: use `await import(url)`, ' +
              'or the preloaded `neo` object'
          )
        : message,
      loc.line,
      loc.column + 1
    );
  }
}

/** Sucrase reports `Unexpected token (3:5)`: line and 1-based column. */
function sucraseLocation(source: string, e: unknown): { line: number; column: number } {
  const pos = (e as { pos?: number }).pos;
  const match = /\((\d+):(\d+)\)\s*$/.exec((e as Error)?.message ?? '');
  if (match) {
    return { line: Number(match[1]), column: Number(match[2]) };
  }
  if (typeof pos === 'number') {
    const before = source.slice(0, pos).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }
  return { line: 1, column: 1 };
}

function cleanMessage(message: string): string {
  return message.replace(/\s*\(\d+:\d+\)\s*$/, '');
}

function collectNames(pattern: Pattern | Node, names: string[]): void {
  const p = pattern as Pattern;
  switch (p.type) {
    case 'Identifier':
      names.push(p.name);
      break;
    case 'ObjectPattern':
      for (const property of p.properties) {
        collectNames(property.type === 'RestElement' ? property.argument : property.value, names);
      }
      break;
    case 'ArrayPattern':
      for (const element of p.elements) {
        if (element) collectNames(element, names);
      }
      break;
    case 'RestElement':
      collectNames(p.argument, names);
      break;
    case 'AssignmentPattern':
      collectNames(p.left, names);
      break;
    default:
      break;
  }
}

function applyEdits(text: string, edits: Edit[]): string {
  // Stable: edits at one position apply in the order they were made.
  const sorted = [...edits].sort((a, b) => a.at - b.at);
  let out = '';
  let from = 0;
  for (const edit of sorted) {
    out += text.slice(from, edit.at) + edit.insert;
    from = edit.at + edit.remove;
  }
  return out + text.slice(from);
}
