/**
 * An input the analysis cannot use, described so a person can fix it: which table, which row and column,
 * what was expected and what was found. The one type for inputs a person can act on: the workshop's
 * `WorkshopError` derives from it with codes of its own, so a caller catches both as `NicheInputError`.
 */
export class NicheInputError<Code extends string = NicheInputErrorCode> extends Error {
  readonly code: Code;
  readonly table?: string;
  readonly row?: string;
  readonly column?: string;
  readonly expected?: string;
  readonly found?: string;

  constructor(code: Code, message: string, where: InputErrorPlace = {}) {
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

/** Where the input is wrong and how: what a person needs to find it and fix it. */
export interface InputErrorPlace {
  table?: string;
  row?: string;
  column?: string;
  expected?: string;
  found?: string;
}

export type NicheInputErrorCode =
  | 'missing-value'
  | 'negative-abundance'
  | 'species-never-observed'
  | 'sample-count-mismatch'
  | 'shape'
  | 'empty'
  | 'degenerate'
  | 'out-of-range'
  | 'bad-argument'
  | 'mixed-units'
  | 'not-present';
