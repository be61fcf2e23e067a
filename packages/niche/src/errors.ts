import { translateText, type MessageText } from '@odatis-vre/harmonised';

/**
 * An input the analysis cannot use, described so a person can fix it: which table, which row and column,
 * what was expected and what was found. The one type for inputs a person can act on: the workshop's
 * `WorkshopError` derives from it with codes of its own, so a caller catches both as `NicheInputError`.
 *
 * The message, what was expected and what was found may be given as msgids with their arguments
 * (`MessageText`): `message`, `expected` and `found` then read in English, and whoever shows the error (the
 * NEO kernel) translates `text`, `expectedText` and `foundText` into the person's language.
 */
export class NicheInputError<Code extends string = NicheInputErrorCode> extends Error {
  readonly code: Code;
  readonly table?: string;
  readonly row?: string;
  readonly column?: string;
  readonly expected?: string;
  readonly found?: string;
  /** The message's msgid and arguments, when it was given so. */
  readonly text: MessageText | null;
  /** What was expected, as a msgid and its arguments, when it was given so. */
  readonly expectedText: MessageText | null;
  /** What was found, as a msgid and its arguments, when it was given so (a description, not a value). */
  readonly foundText: MessageText | null;

  constructor(code: Code, message: string | MessageText, where: InputErrorPlace = {}) {
    super(typeof message === 'string' ? message : translateText(message));
    this.name = 'NicheInputError';
    this.code = code;
    this.text = typeof message === 'string' ? null : message;
    this.table = where.table;
    this.row = where.row;
    this.column = where.column;
    this.expected =
      typeof where.expected === 'object' ? translateText(where.expected) : where.expected;
    this.expectedText = typeof where.expected === 'object' ? where.expected : null;
    this.found = typeof where.found === 'object' ? translateText(where.found) : where.found;
    this.foundText = typeof where.found === 'object' ? where.found : null;
  }
}

/** Where the input is wrong and how: what a person needs to find it and fix it. */
export interface InputErrorPlace {
  table?: string;
  row?: string;
  column?: string;
  expected?: string | MessageText;
  found?: string | MessageText;
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
