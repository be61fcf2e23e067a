// The error class alone: the package's index would bring its statistics (ml-matrix) into every page start.
import { NicheInputError, type InputErrorPlace } from '@odatis-vre/niche/lib/errors';
import { englishMessages, type MessageText } from '@odatis-vre/harmonised';

/**
 * An input or a choice the workshop cannot use, described so a person can fix it: which table, row and
 * column (or which option), what was expected and what was found. A `NicheInputError` (the one type of
 * inputs a person can act on) with the workshop's codes. Its sentence, and what was expected and found when
 * they are words, are msgids with their arguments (`text`, `expectedText`, `foundText`), which whoever shows
 * the error translates (the NEO kernel: into the page's language); its English `message` also says what
 * was expected and found.
 */
export class WorkshopError extends NicheInputError<WorkshopErrorCode> {
  constructor(code: WorkshopErrorCode, message: MessageText, where: InputErrorPlace = {}) {
    super(code, message, where);
    if (this.expected !== undefined || this.found !== undefined) {
      this.message += ` (${englishMessages.__('expected %1, found %2', this.expected ?? '?', this.found ?? '?')})`;
    }
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
