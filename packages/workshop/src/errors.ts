/**
 * An input or a choice the workshop cannot use, described so a person can fix it: which table, row and
 * column (or which option), what was expected and what was found.
 */
export class WorkshopError extends Error {
  readonly code: WorkshopErrorCode;
  readonly table?: string;
  readonly row?: string;
  readonly column?: string;
  readonly expected?: string;
  readonly found?: string;

  constructor(
    code: WorkshopErrorCode,
    message: string,
    where: { table?: string; row?: string; column?: string; expected?: string; found?: string } = {}
  ) {
    super(
      message +
        (where.expected !== undefined || where.found !== undefined
          ? ` (expected ${where.expected ?? '?'}, found ${where.found ?? '?'})`
          : '')
    );
    this.name = 'WorkshopError';
    this.code = code;
    this.table = where.table;
    this.row = where.row;
    this.column = where.column;
    this.expected = where.expected;
    this.found = where.found;
  }
}

export type WorkshopErrorCode =
  | 'bad-option'
  | 'missing-column'
  | 'mixed-units'
  | 'nothing-paired'
  | 'bad-notebook'
  | 'bad-catalog';
