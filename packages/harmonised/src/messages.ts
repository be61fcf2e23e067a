/**
 * What the libraries need to translate the messages a person reads (notices, warnings, reasons): gettext's
 * `__` of JupyterLab's `TranslationBundle`, which an extension passes as `translator.load('odatis_vre')`.
 */
export interface Messages {
  /** The message in the person's language, `%1`, `%2`… replaced by the arguments. */
  __(msgid: string, ...args: unknown[]): string;
}

/**
 * The messages as written, `%1`… replaced and `%%` read as `%`: what JupyterLab's `nullTranslator` gives (its
 * gettext `strfmt`), for libraries that also run in node (its package is an ES module that node cannot load).
 * So a msgid never writes the `%%sql` magic: it takes it as an argument (`'a %1 cell', '%%sql'`).
 */
export const englishMessages: Messages = {
  __: (msgid, ...args) =>
    msgid.replace(/%(%|\d+)/g, (match, sign: string) =>
      sign === '%'
        ? '%'
        : Number(sign) >= 1 && Number(sign) <= args.length
          ? String(args[Number(sign) - 1])
          : match
    )
};

/**
 * The messages of a gettext catalogue (msgid → translation), as a `TranslationBundle` applies one: the msgid
 * looked up (as written when the catalogue lacks it), then `%1`… replaced.
 */
export function catalogueMessages(catalogue: Readonly<Record<string, string>>): Messages {
  return { __: (msgid, ...args) => englishMessages.__(catalogue[msgid] ?? msgid, ...args) };
}

/**
 * A message as gettext takes it: the English text with `%1`, `%2`… and the arguments that fill them. An
 * argument may itself be a `MessageText` (a reason inside a sentence): it is translated too; or a list of
 * values and `MessageText`s (what a table holds, item by item), each translated, shown separated by commas.
 * Errors made where no translator is at hand (a Web Worker, a library) carry one, and whoever shows them
 * translates it.
 */
export interface MessageText {
  msgid: string;
  args: unknown[];
}

/**
 * A message as a sentence: `messageText('column "%1" has %2 values', name, n)`. scripts/messages.js takes its
 * first argument, written as a string, for a msgid (as it takes a `msgid` property or `msgid('…')`).
 */
export function messageText(msgid: string, ...args: unknown[]): MessageText {
  return { msgid, args };
}

export function isMessageText(value: unknown): value is MessageText {
  const v = value as MessageText | null;
  return (
    typeof v === 'object' && v !== null && typeof v.msgid === 'string' && Array.isArray(v.args)
  );
}

/** A message's text through `trans` (English by default), its `MessageText` arguments translated first. */
export function translateText(text: MessageText, trans: Messages = englishMessages): string {
  const translated = (a: unknown): unknown => (isMessageText(a) ? translateText(a, trans) : a);
  return trans.__(
    text.msgid,
    ...text.args.map(a => (Array.isArray(a) ? a.map(translated).join(', ') : translated(a)))
  );
}

/** The msgids of a message and of the messages among its arguments (lists included). */
export function textMsgids(text: MessageText): string[] {
  return [text.msgid, ...text.args.flat().flatMap(a => (isMessageText(a) ? textMsgids(a) : []))];
}

/**
 * Marks a msgid that is translated later, where it is shown (gettext's `gettext_noop`): a label in a table, a
 * template's title. scripts/messages.js finds it for the catalogues; the text is returned as it is.
 */
export function msgid<T extends string>(text: T): T {
  return text;
}

/** Gettext's `%1`…`%9`, given as arguments so that a translation keeps its placeholders. */
const PLACEHOLDERS = Array.from({ length: 9 }, (_, i) => `%${i + 1}`);

/**
 * The catalogue of these msgids as `trans` translates them, placeholders kept (JupyterLab's bundle replaces a
 * `%1` without argument by "undefined", so each is passed as itself): how a page hands its messages to a Web
 * Worker, which reads them back with `catalogueMessages`.
 */
export function messageCatalogue(
  trans: Messages,
  msgids: readonly string[]
): Record<string, string> {
  return Object.fromEntries(msgids.map(msgid => [msgid, trans.__(msgid, ...PLACEHOLDERS)]));
}
