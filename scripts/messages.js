#!/usr/bin/env node
// The msgids of our extensions and libraries (domain `odatis_vre`), read from the TypeScript sources, and the
// catalogues that translate them.
//   node scripts/messages.js            every msgid with where it is used (JSON)
//   node scripts/messages.js --missing  the msgids the French catalogue lacks, and its entries no source uses
// A msgid is the first string of a translator call (`trans.__('…')`, `_n('…', '…', n)`, `_p(ctx, '…')`,
// `_np`), the `msgid` of a `MessageText` (`messageText('…', …args)` or `{ msgid: '…', args }`, the errors of
// the libraries), or a string marked with `msgid('…')` (harmonised's marker for a text translated later, where
// it is shown). A call whose msgid is not a string in the source (`trans.__(label)`) is listed as dynamic: its
// strings must be marked.
const fs = require('fs');
const path = require('path');
// typescript is loaded by `extractMessages` only: the site build needs the catalogues, not the parser.
let ts;

const root = path.resolve(__dirname, '..');
const DOMAIN = 'odatis_vre';
/** Where each catalogue lives: JupyterLab's `locale/<lang>/LC_MESSAGES/<domain>.json`, in the Python package. */
const LOCALE_DIR = path.join(root, 'python', 'odatis_vre', 'locale');
const LANGUAGES = { fr_FR: { displayName: 'French (France)', nativeName: 'Français (France)' } };

/** Translator methods: where their msgid, plural and context are (JupyterLab's `TranslationBundle`). */
const CALLS = { __: [0], _n: [0, 1], _p: [1, null, 0], _np: [1, 2, 0] };

/** The TypeScript sources of every package and extension (tests excluded: what they say is not shown). */
function sourceFiles() {
  const files = [];
  for (const group of ['packages', 'extensions']) {
    for (const name of fs.readdirSync(path.join(root, group)).sort()) {
      const src = path.join(root, group, name, 'src');
      if (fs.existsSync(src)) files.push(...walk(src));
    }
  }
  return files;
}

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(e => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return walk(full);
      return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
    });
}

/** A string the source spells out: a literal, a template without substitutions, or `'…' + '…'`. */
function literal(node) {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literal(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literal(node.left);
    const right = literal(node.right);
    return left !== null && right !== null ? left + right : null;
  }
  return null;
}

/**
 * The strings an expression chooses among (`{ decade: 'decades', … }[g]`, `a ? 'x' : 'y'`): each may be the
 * msgid. Strings of nested calls are left out (a call's own msgid is found at the call).
 */
function choices(node) {
  const found = [];
  const visit = n => {
    const text = literal(n);
    if (text !== null) found.push([n, text]);
    else if (!ts.isCallExpression(n)) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/**
 * The translator calls: JupyterLab's bundle methods (`trans.__`, `_n`, `_p`, `_np`) and the templates'
 * `Translate` function (`trans('…')`, `ctx.trans('…')`): [msgid, plural, context] argument positions.
 */
function translatorCall(node) {
  const callee = node.expression;
  if (ts.isPropertyAccessExpression(callee)) {
    if (Object.hasOwn(CALLS, callee.name.text)) return CALLS[callee.name.text];
    if (callee.name.text === 'trans') return [0];
  }
  if (ts.isIdentifier(callee) && callee.text === 'trans') return [0];
  return null;
}

/** Calls that pass on a msgid found elsewhere (the `Messages` plumbing, `MessageText`, a `Translate`). */
function passesOn(node) {
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken
  ) {
    return passesOn(node.left) && passesOn(node.right);
  }
  if (ts.isElementAccessExpression(node)) return passesOn(node.argumentExpression);
  return (
    (ts.isIdentifier(node) && /^(msgid|text)$/.test(node.text)) ||
    (ts.isPropertyAccessExpression(node) && node.name.text === 'msgid')
  );
}

/**
 * Every msgid of the sources: `messages` (msgid → {plural, context, places}) and `dynamic`, the translator
 * calls whose msgid the source does not spell out (`file:line:column` and the expression).
 */
function extractMessages(files = sourceFiles()) {
  ts ??= require('typescript');
  const messages = new Map();
  const dynamic = [];
  const add = (file, sf, node, msgid, plural = null, context = null) => {
    const key = context ? `${context}\u0004${msgid}` : msgid;
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const place = `${path.relative(root, file)}:${line + 1}:${character + 1}`;
    const entry = messages.get(key) ?? { msgid, plural, context, places: [] };
    entry.plural ??= plural;
    entry.places.push(place);
    messages.set(key, entry);
  };
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    const visit = node => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const positions = translatorCall(node);
        if (positions && node.arguments.length > 0) {
          const [at, pluralAt, contextAt] = positions;
          const arg = node.arguments[at];
          const msgid = literal(arg);
          const plural = pluralAt != null ? literal(node.arguments[pluralAt]) : null;
          const context = contextAt != null ? literal(node.arguments[contextAt]) : null;
          if (msgid !== null) {
            add(file, sf, node, msgid, plural, context);
          } else if (!passesOn(arg)) {
            const strings = choices(arg);
            for (const [n, text] of strings) add(file, sf, n, text, null, context);
            if (strings.length === 0) {
              const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
              dynamic.push({
                place: `${path.relative(root, file)}:${line + 1}:${character + 1}`,
                call: arg.getText(sf).replace(/\s+/g, ' ')
              });
            }
          }
        } else if (
          ts.isIdentifier(callee) &&
          ((callee.text === 'msgid' && node.arguments.length === 1) ||
            (callee.text === 'messageText' && node.arguments.length >= 1))
        ) {
          const msgid = literal(node.arguments[0]);
          if (msgid !== null) add(file, sf, node, msgid);
        }
      } else if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'msgid'
      ) {
        const msgid = literal(node.initializer);
        if (msgid !== null) add(file, sf, node, msgid);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages, dynamic };
}

function cataloguePath(language) {
  return path.join(LOCALE_DIR, language, 'LC_MESSAGES', `${DOMAIN}.json`);
}

/** A catalogue as JupyterLab loads it (Jed 2 JSON: a `""` header, then msgid → [translation, plural…]). */
function readCatalogue(language) {
  return JSON.parse(fs.readFileSync(cataloguePath(language), 'utf8'));
}

/** What the catalogue of `language` lacks (`missing` msgids) and holds for no source (`stale` keys). */
function compareCatalogue(language, extracted = extractMessages()) {
  const catalogue = readCatalogue(language);
  const keys = Object.keys(catalogue).filter(k => k !== '');
  return {
    missing: [...extracted.messages.keys()].filter(k => !Object.hasOwn(catalogue, k)),
    stale: keys.filter(k => !extracted.messages.has(k))
  };
}

/** The placeholders of a text, sorted: `%1`, `%2`… (gettext's numbered arguments, as JupyterLab formats). */
function placeholders(text) {
  return [...new Set(text.match(/%\d+/g) ?? [])].sort();
}

/**
 * `/api/translations/<language>` as jupyterlab_server answers it: the domain's catalogue under `data`, or
 * for `all`, the languages one may choose.
 */
function translationsApi(language) {
  if (language === 'all') {
    const data = { en: { displayName: 'English', nativeName: 'English' } };
    for (const [lang, names] of Object.entries(LANGUAGES)) data[lang] = names;
    return { data, message: '' };
  }
  if (!Object.hasOwn(LANGUAGES, language)) return { data: {}, message: '' };
  return { data: { [DOMAIN]: readCatalogue(language) }, message: '' };
}

module.exports = {
  DOMAIN,
  LANGUAGES,
  extractMessages,
  readCatalogue,
  cataloguePath,
  compareCatalogue,
  placeholders,
  translationsApi
};

if (require.main === module) {
  const extracted = extractMessages();
  if (process.argv.includes('--missing')) {
    const out = {};
    for (const language of Object.keys(LANGUAGES)) {
      const { missing, stale } = compareCatalogue(language, extracted);
      out[language] = { missing, stale };
    }
    out.dynamic = extracted.dynamic;
    console.log(JSON.stringify(out, null, 2));
  } else {
    const list = [...extracted.messages.values()];
    console.log(JSON.stringify({ messages: list, dynamic: extracted.dynamic }, null, 2));
  }
}
