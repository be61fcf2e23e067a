/**
 * What the libraries need to translate the messages a person reads (notices, warnings, reasons): gettext's
 * `__` of JupyterLab's `TranslationBundle`, which an extension passes as `translator.load('odatis_vre')`.
 */
export interface Messages {
  /** The message in the person's language, `%1`, `%2`… replaced by the arguments. */
  __(msgid: string, ...args: unknown[]): string;
}

/**
 * The messages as written, `%1`… replaced: what JupyterLab's `nullTranslator` gives, for libraries that also
 * run in node (its package is an ES module that node cannot load).
 */
export const englishMessages: Messages = {
  __: (msgid, ...args) =>
    msgid.replace(/%(\d+)/g, (match, n: string) =>
      Number(n) >= 1 && Number(n) <= args.length ? String(args[Number(n) - 1]) : match
    )
};

/**
 * The messages of a gettext catalogue (msgid → translation), as a `TranslationBundle` applies one: the msgid
 * looked up (as written when the catalogue lacks it), then `%1`… replaced.
 */
export function catalogueMessages(catalogue: Readonly<Record<string, string>>): Messages {
  return { __: (msgid, ...args) => englishMessages.__(catalogue[msgid] ?? msgid, ...args) };
}
