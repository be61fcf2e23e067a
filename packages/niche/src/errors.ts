/**
 * An input the analysis cannot use, described so a person can fix it: which table, which row and column,
 * what was expected and what was found.
 */
export class NicheInputError extends Error {
  readonly code: NicheInputErrorCode;
  readonly table?: string;
  readonly row?: string;
  readonly column?: string;
  readonly expected?: string;
  readonly found?: string;

  constructor(
    code: NicheInputErrorCode,
    message: string,
    where: { table?: string; row?: string; column?: string; expected?: string; found?: string } = {}
  ) {
    super(message);
    this.name = 'NicheInputError';
    this.code = code;
    this.table = where.table;
    this.row = where.row;
    this.column = where.column;
    this.expected = where.expected;
    this.found = where.found;
  }
}

export type NicheInputErrorCode =
  | 'missing-value'
  | 'negative-abundance'
  | 'species-never-observed'
  | 'sample-count-mismatch'
  | 'shape'
  | 'empty'
  | 'degenerate'
  | 'bad-argument'
  | 'mixed-units'
  | 'not-present';
