// The error class alone: the package's index would bring its statistics (ml-matrix) into every page start.
import { NicheInputError, type InputErrorPlace } from '@odatis-vre/niche/lib/errors';

/**
 * An input or a choice the workshop cannot use, described so a person can fix it: which table, row and
 * column (or which option), what was expected and what was found. A `NicheInputError` (the one type of
 * inputs a person can act on) with the workshop's codes; its message also says what was expected and found.
 */
export class WorkshopError extends NicheInputError<WorkshopErrorCode> {
  constructor(
    code: WorkshopErrorCode,
    message: string,
    where: InputErrorPlace & { expected?: string; found?: string } = {}
  ) {
    super(
      code,
      message +
        (where.expected !== undefined || where.found !== undefined
          ? ` (expected ${where.expected ?? '?'}, found ${where.found ?? '?'})`
          : ''),
      where
    );
    this.name = 'WorkshopError';
  }
}

export type WorkshopErrorCode =
  | 'bad-option'
  | 'missing-column'
  | 'mixed-units'
  | 'nothing-paired'
  | 'bad-notebook'
  | 'bad-catalog';
