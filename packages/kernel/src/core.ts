/**
 * The NEO kernel's core: runs cells, keeps their variables, formats their outputs and errors, completes
 * and documents names. It runs in the kernel's Web Worker (and in node for the tests); SQL and files go
 * through the page's `NeoHost`, outputs through `emit`.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import {
  englishMessages,
  isMessageText,
  messageText,
  translateText,
  type MessageText,
  type Messages
} from '@odatis-vre/harmonised';
import type { TableInfo } from '@odatis-vre/query';
import { CellSyntaxError, compileCell, parseSqlCell, SCOPE } from './cell';
import { isArrowTable, mimeBundleOf } from './display';
import { inspect } from './inspect';
import { createNeo, docBundle, NEO_DOCS, type Neo } from './neo';
import type {
  CompleteReply,
  ExecuteOutcome,
  InspectReply,
  IsCompleteReply,
  KernelOutput,
  NeoHost,
  QueryEngineInfo,
  SqlAnswer
} from './protocol';
import { inPageLanguage } from './translation';

export interface NeoKernelCoreOptions {
  host: NeoHost;
  /** The engine that answers SQL (the host's `engine()`), shown as `neo.engine` and under `%%sql` results. */
  engine: QueryEngineInfo;
  emit(output: KernelOutput): void;
  /**
   * The page's messages for `neo.plot`'s titles and the tables shown (a catalogue of `KERNEL_MESSAGES`);
   * default English. Errors and help texts are translated when made, by the host (`inPageLanguage`).
   */
  trans?: Messages;
}

/** The running cell was stopped by the user (Kernel → Interrupt). */
export class KernelInterrupt extends Error {
  override readonly name = 'KeyboardInterrupt';
  readonly text: MessageText = messageText('the cell was interrupted');
  constructor() {
    super();
    this.message = translateText(this.text);
  }
}

type AsyncCell = (scope: Record<string, unknown>) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => AsyncCell;

const cellUrl = (count: number) => `neo-cell-${count}.js`;
const FRAME = /neo-cell-(\d+)\.js:(\d+):(\d+)/;
const RED = '\u001b[0;31m';
const RESET = '\u001b[0m';

const JS_KEYWORDS = [
  'await',
  'async',
  'break',
  'class',
  'const',
  'continue',
  'else',
  'false',
  'for',
  'function',
  'if',
  'let',
  'new',
  'null',
  'return',
  'throw',
  'true',
  'try',
  'typeof',
  'undefined',
  'while'
];

const SQL_KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP BY',
  'ORDER BY',
  'HAVING',
  'LIMIT',
  'JOIN',
  'LEFT JOIN',
  'ON',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'LIKE',
  'IS NULL',
  'DISTINCT',
  'COUNT',
  'AVG',
  'MIN',
  'MAX',
  'SUM',
  'WITH',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'DESC',
  'ASC'
];

export class NeoKernelCore {
  constructor(private readonly options: NeoKernelCoreOptions) {
    this.trans = options.trans ?? englishMessages;
    this.neo = createNeo({
      sql: query => this.sql(query),
      registerFile: path => this.options.host.registerFile(path),
      listTables: () => this.options.host.listTables(),
      dataset: folder => this.options.host.dataset(folder),
      engine: options.engine,
      trans: this.trans,
      inPageLanguage: render => inPageLanguage(options.host, render)
    });
    this.scope = Object.create(null) as Record<string, unknown>;
    this.scope.neo = this.neo;
    this.scope.display = (...values: unknown[]) => values.forEach(v => this.display(v));
    this.scope.console = this.console();
  }

  /** The variables of the session: what cells declared, plus `neo`, `display` and `console`. */
  readonly scope: Record<string, unknown>;
  readonly neo: Neo;

  async execute(code: string, executionCount: number): Promise<ExecuteOutcome> {
    this.sources.set(executionCount, { lines: code.split('\n'), cellColumn: () => null });
    let stop!: (reason: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    this.stopRunning = stop;
    try {
      const { value, caption } = await Promise.race([this.run(code, executionCount), stopped]);
      return { status: 'ok', result: mimeBundleOf(value, caption, this.trans) };
    } catch (e) {
      return await this.errorOutcome(e, executionCount);
    } finally {
      this.stopRunning = null;
    }
  }

  /** Stop the running cell if it is waiting (a query, a timer, a fetch). */
  interrupt(): void {
    this.stopRunning?.(new KernelInterrupt());
  }

  async complete(code: string, cursor: number): Promise<CompleteReply> {
    const sqlCell = parseSqlCell(code.slice(0, cursor).includes('\n') ? code : code + '\n');
    const before = code.slice(0, cursor);
    if (sqlCell && before.includes('\n')) {
      return this.completeSql(before, cursor);
    }
    const match = /((?:[A-Za-z_$][\w$]*\.)*)([A-Za-z_$][\w$]*)?$/.exec(before)!;
    const path = match[1] ? match[1].slice(0, -1).split('.') : [];
    const prefix = match[2] ?? '';
    let names: string[];
    if (path.length > 0) {
      const target = this.resolve(path);
      names = target === undefined || target === null ? [] : propertyNames(target);
    } else {
      names = [...Object.keys(this.scope), ...propertyNames(globalThis), ...JS_KEYWORDS];
    }
    const matches = [...new Set(names)]
      .filter(n => n.startsWith(prefix) && !n.startsWith('__'))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    return {
      matches,
      cursor_start: cursor - prefix.length,
      cursor_end: cursor,
      metadata: {}
    };
  }

  async inspect(code: string, cursor: number, _detailLevel = 0): Promise<InspectReply> {
    const name = dottedNameAt(code, cursor);
    if (!name) {
      return { found: false, data: {}, metadata: {} };
    }
    const doc = NEO_DOCS[name];
    const inPage = <T>(render: (trans: Messages) => T) => inPageLanguage(this.options.host, render);
    if (doc) {
      return { found: true, data: await inPage(trans => docBundle(doc, trans)), metadata: {} };
    }
    const value = this.resolve(name.split('.'));
    if (value === undefined && !(name in this.scope)) {
      return { found: false, data: {}, metadata: {} };
    }
    const described = await inPage(trans => describeValue(name, value, trans));
    return { found: true, data: { 'text/plain': described }, metadata: {} };
  }

  async isComplete(code: string): Promise<IsCompleteReply> {
    if (parseSqlCell(code)) {
      return { status: 'complete' };
    }
    try {
      compileCell(code);
      return { status: 'complete' };
    } catch (e) {
      if (e instanceof CellSyntaxError && /Unexpected token|Unterminated/.test(e.message)) {
        const lines = code.split('\n');
        const atEnd =
          e.line > lines.length || (e.line === lines.length && e.column > lines[e.line - 1].length);
        return atEnd ? { status: 'incomplete', indent: '  ' } : { status: 'invalid' };
      }
      return { status: 'invalid' };
    }
  }

  // ---- running cells ----

  /** Runs a cell; its value, and for `%%sql` how the query ran (rows, time, engine). */
  private async run(
    code: string,
    executionCount: number
  ): Promise<{ value: unknown; caption?: string }> {
    const sqlCell = parseSqlCell(code);
    if (sqlCell) {
      const started = performance.now();
      // The magic line stays as an empty line: DuckDB's "LINE n" is then the cell's line n.
      const { table, engine } = await this.answer('\n' + sqlCell.sql);
      if (sqlCell.variable) {
        this.scope[sqlCell.variable] = table;
      }
      const ms = performance.now() - started;
      const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
      // The engine's label is one of engineLabel's msgids: in the page's language when it has it.
      return { value: table, caption: `${time} · ${this.trans.__(engine.label)}` };
    }
    const cell = compileCell(code);
    this.sources.get(executionCount)!.cellColumn = cell.cellColumn;
    for (const name of cell.declared) {
      if (!(name in this.scope)) {
        this.scope[name] = undefined;
      }
    }
    const run = new AsyncFunction(SCOPE, `${cell.body}\n//# sourceURL=${cellUrl(executionCount)}`);
    let value = await run(this.scope);
    if (value !== null && typeof (value as PromiseLike<unknown>)?.then === 'function') {
      value = await value;
    }
    return { value };
  }

  private async sql(query: string): Promise<Table> {
    return (await this.answer(query)).table;
  }

  /** A query's table and the engine that answered it; a notice (ran in the browser, and why) goes to stderr. */
  private async answer(query: string): Promise<{ table: Table; engine: QueryEngineInfo }> {
    // Taken before the query leaves the worker: a failure then points at the cell line that asked.
    const caller = new Error();
    let answer: SqlAnswer;
    try {
      answer = await this.options.host.query(query);
    } catch (e) {
      throw withCallerStack(e, caller);
    }
    if (answer.notice) {
      this.options.emit({ type: 'stream', name: 'stderr', text: `${answer.notice}\n` });
    }
    return { table: tableFromIPC(answer.ipc), engine: answer.engine };
  }

  private display(value: unknown): void {
    const bundle = mimeBundleOf(value, undefined, this.trans);
    if (bundle) {
      this.options.emit({ type: 'display_data', ...bundle });
    }
  }

  private console(): Pick<Console, 'log' | 'info' | 'debug' | 'warn' | 'error' | 'dir' | 'table'> {
    const write =
      (name: 'stdout' | 'stderr') =>
      (...args: unknown[]) =>
        this.options.emit({
          type: 'stream',
          name,
          text: args.map(a => (typeof a === 'string' ? a : inspect(a))).join(' ') + '\n'
        });
    return {
      log: write('stdout'),
      info: write('stdout'),
      debug: write('stdout'),
      dir: write('stdout'),
      warn: write('stderr'),
      error: write('stderr'),
      table: (data: unknown) => this.display(data)
    };
  }

  // ---- errors ----

  /** A failed cell's error, in the page's language when it carries its msgids (`text`, `expectedText`). */
  private async errorOutcome(e: unknown, executionCount: number): Promise<ExecuteOutcome> {
    const error =
      e instanceof Error
        ? e
        : Object.assign(new Error(typeof e === 'string' ? e : inspect(e)), { name: 'Error' });
    const ename = error.name || 'Error';
    return inPageLanguage(this.options.host, trans => {
      const evalue = fullMessage(error, trans);
      const traceback = [`${RED}${ename}${RESET}: ${evalue}`];
      if (error instanceof CellSyntaxError) {
        traceback.push(...this.pointAt(trans, executionCount, error.line, error.column, true));
      } else if (!(error instanceof KernelInterrupt)) {
        traceback.push(...this.cellFrames(trans, error.stack ?? ''));
      }
      return { status: 'error', ename, evalue, traceback };
    });
  }

  /** The frames of a stack that are in cells, as `line l of cell [n]` with the line's code. */
  private cellFrames(trans: Messages, stack: string): string[] {
    const offset = this.lineOffset();
    const out: string[] = [];
    for (const line of stack.split('\n')) {
      const match = FRAME.exec(line);
      if (!match) continue;
      const count = Number(match[1]);
      const cellLine = Number(match[2]) - offset;
      const column = this.sources.get(count)?.cellColumn(cellLine, Number(match[3])) ?? null;
      out.push(...this.pointAt(trans, count, cellLine, column, out.length === 0));
    }
    return out;
  }

  /** Where a cell failed (`first`), or called what failed, with its code and a caret under the column. */
  private pointAt(
    trans: Messages,
    count: number,
    line: number,
    column: number | null,
    first: boolean
  ): string[] {
    const source = this.sources.get(count)?.lines[line - 1];
    if (source === undefined) {
      return [
        `  ${trans.__(first ? 'line %1 of cell [%2]' : 'called from line %1 of cell [%2]', line, count)}`
      ];
    }
    // The code follows: the heading ends with a colon (the translation places it).
    const head = trans.__(
      first ? 'line %1 of cell [%2]:' : 'called from line %1 of cell [%2]:',
      line,
      count
    );
    const caret = column === null ? [] : [`    ${' '.repeat(Math.max(0, column - 1))}^`];
    return [`  ${head}`, `    ${source}`, ...caret];
  }

  /** Lines that the function wrapper adds before a cell's first line, as the engine counts them. */
  private lineOffset(): number {
    if (this.offset === null) {
      // `new Function` wraps a body as `new AsyncFunction` does; an Error made there names its line.
      const probe = new Function(SCOPE, `return new Error();\n//# sourceURL=${cellUrl(0)}`) as (
        scope: unknown
      ) => Error;
      const match = FRAME.exec(probe(null).stack ?? '');
      this.offset = match ? Number(match[2]) - 1 : 2;
    }
    return this.offset;
  }

  // ---- SQL completion ----

  private async completeSql(before: string, cursor: number): Promise<CompleteReply> {
    const match = /(?:"?([\w$/.-]+)"?\.)?"?([\w$]*)$/.exec(before)!;
    const qualifier = match[1];
    const prefix = match[2] ?? '';
    let tables: TableInfo[] = [];
    try {
      tables = await this.options.host.knownTables();
    } catch {
      // Completion without the engine's schema: keywords only.
    }
    let names: string[];
    if (qualifier) {
      names = tables.find(t => t.name === qualifier)?.columns.map(c => c.name) ?? [];
    } else {
      names = [
        ...tables.map(t => t.name),
        ...tables.flatMap(t => t.columns.map(c => c.name)),
        ...SQL_KEYWORDS
      ];
    }
    const lower = prefix.toLowerCase();
    const matches = [...new Set(names)].filter(n => n.toLowerCase().startsWith(lower));
    return { matches, cursor_start: cursor - prefix.length, cursor_end: cursor, metadata: {} };
  }

  // ---- names ----

  private resolve(path: string[]): unknown {
    let value: unknown = path[0] in this.scope ? this.scope[path[0]] : undefined;
    if (value === undefined && path[0] in globalThis) {
      value = (globalThis as Record<string, unknown>)[path[0]];
    }
    for (const key of path.slice(1)) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }

  /** Each cell's lines, and how its compiled columns map back (for tracebacks). */
  private readonly sources = new Map<
    number,
    { lines: string[]; cellColumn: (line: number, column: number) => number | null }
  >();
  private readonly trans: Messages;
  private stopRunning: ((reason: Error) => void) | null = null;
  private offset: number | null = null;
}

/**
 * An error's whole text: its message, the details it carries that the message does not already say (the
 * table, row, column, expected and found of a `NicheInputError`, the workshop's `WorkshopError` among them),
 * and its causes. A message, an expectation or a finding given as a msgid (`text`, `expectedText`,
 * `foundText`) is put in the language of `trans`.
 */
export function fullMessage(error: Error, trans: Messages = englishMessages): string {
  const details = error as Error & Partial<Record<DetailKey, unknown>> & TranslatableError;
  const message = isMessageText(details.text) ? translateText(details.text, trans) : error.message;
  const expected = isMessageText(details.expectedText)
    ? translateText(details.expectedText, trans)
    : details.expected;
  const found = isMessageText(details.foundText)
    ? translateText(details.foundText, trans)
    : details.found;
  const value = (key: DetailKey) =>
    key === 'expected' ? expected : key === 'found' ? found : details[key];
  const unsaid = (key: DetailKey) => {
    const v = value(key);
    return v !== undefined && v !== null && v !== '' && !message.includes(String(v));
  };
  const parts = (['table', 'row', 'column'] as const)
    .filter(unsaid)
    .map(key =>
      trans.__({ table: 'table %1', row: 'row %1', column: 'column %1' }[key], String(details[key]))
    );
  if (unsaid('expected') || unsaid('found')) {
    parts.push(trans.__('expected %1, found %2', String(expected ?? '?'), String(found ?? '?')));
  }
  let text = message;
  if (parts.length > 0) {
    // The details one after the other, separated as the language separates them (French: « ; »).
    text += ` (${parts.reduce((all, part) => trans.__('%1; %2', all, part))})`;
  }
  const cause = error.cause;
  if (cause instanceof Error) {
    text += '\n' + trans.__('caused by %1: %2', cause.name, fullMessage(cause, trans));
  } else if (cause !== undefined) {
    text += '\n' + trans.__('caused by: %1', typeof cause === 'string' ? cause : inspect(cause));
  }
  return text;
}

/** What an error of ours may carry besides its English message: its msgids (`NicheInputError`, `KernelInterrupt`). */
interface TranslatableError {
  text?: unknown;
  expectedText?: unknown;
  foundText?: unknown;
}

type DetailKey = 'table' | 'row' | 'column' | 'expected' | 'found';

/**
 * An error from the page (a query's), given the stack of the cell code that made the call: its own stack
 * was taken on the page, where no cell runs. Non-errors become errors.
 */
function withCallerStack(e: unknown, caller: Error): Error {
  const error = e instanceof Error ? e : new Error(typeof e === 'string' ? e : inspect(e));
  const frames = (caller.stack ?? '').split('\n').filter(line => FRAME.test(line));
  if (frames.length > 0) {
    try {
      error.stack = `${error.name}: ${error.message}\n${frames.join('\n')}`;
    } catch {
      // A frozen error keeps its own stack.
    }
  }
  return error;
}

/** Own and inherited property names, without those every object has. */
function propertyNames(value: unknown): string[] {
  const names = new Set<string>();
  let current: unknown =
    typeof value === 'object' || typeof value === 'function' ? value : Object(value);
  while (current && current !== Object.prototype && current !== Function.prototype) {
    for (const name of Object.getOwnPropertyNames(current)) {
      if (name !== 'constructor') names.add(name);
    }
    current = Object.getPrototypeOf(current);
  }
  return [...names];
}

/** Scope names first, then globals, keywords last (completion order). */
function rank(name: string): number {
  return /^[a-z]/.test(name) ? 0 : 1;
}

/** The dotted name (`neo.plot.line`) around a cursor. */
function dottedNameAt(code: string, cursor: number): string | null {
  let start = cursor;
  while (start > 0 && /[\w$.]/.test(code[start - 1])) start--;
  let end = cursor;
  while (end < code.length && /[\w$]/.test(code[end])) end++;
  const name = code.slice(start, end).replace(/^\.+|\.+$/g, '');
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name) ? name : null;
}

function describeValue(name: string, value: unknown, trans: Messages): string {
  if (isArrowTable(value)) {
    const columns = value.schema.fields.map(f => `  ${f.name}: ${String(f.type)}`).join('\n');
    return `${trans.__('%1: Arrow table, %2 rows', name, value.numRows)}\n${columns}`;
  }
  const type =
    value === null
      ? 'null'
      : typeof value === 'object'
        ? (value.constructor?.name ?? 'Object')
        : typeof value;
  return `${name}: ${type}\n${inspect(value)}`;
}
