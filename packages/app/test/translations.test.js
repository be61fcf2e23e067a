const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  LANGUAGES,
  cataloguePath,
  compareCatalogue,
  extractMessages,
  placeholders,
  readCatalogue,
  translationsApi
} = require('../../../scripts/messages');

/**
 * Translator calls whose msgid is not written at the call: the strings they show are marked with `msgid()`
 * where they are defined (the engines' labels, the kernel's name, the templates' titles and form fields). A new
 * call of this kind fails here until its strings are marked and it is added to this list.
 */
const DYNAMIC = [
  'NEO_KERNEL_SPEC.display_name',
  'doc.doc',
  'engine.label',
  'engineLabel(engine.kind)',
  'engineLabel(engine.server.kind)',
  'engineLabel(kind)',
  'engineLabel(this.options.browser.kind)',
  'field.description ?? PARAMETER_DOCS[name]',
  'field.title',
  'periods.problem',
  'spec.description',
  'spec.title',
  'this.options.host.engine().label'
];

/** `%%` (a literal `%`, as in `%%sql`) and `%1`…: what a translation must keep of its msgid. */
function formatSigns(text) {
  return { placeholders: placeholders(text), percents: (text.match(/%%/g) ?? []).length };
}

describe('the msgids of the sources (scripts/messages.js)', () => {
  const extracted = extractMessages();

  it('finds the strings of every kind of translator call', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-msgids-'));
    const file = path.join(dir, 'sample.ts');
    fs.writeFileSync(
      file,
      [
        "const a = trans.__('Plain %1', x);",
        "const b = this.trans.__('Joined ' + 'text');",
        "const c = trans._n('%1 file', '%1 files', n);",
        "const d = ctx.trans({ decade: 'decades', season: 'seasons' }[g]);",
        "const e = { msgid: 'A message text', args: [] };",
        "const f = msgid('A marked label');",
        'const g = trans.__(label);',
        'const h = englishMessages.__(catalogue[msgid] ?? msgid);',
        "const i = messageText('A sentence of %1', messageText('An inner text'), x);"
      ].join('\n')
    );
    const { messages, dynamic } = extractMessages([file]);
    expect([...messages.keys()].sort()).toEqual(
      [
        'Plain %1',
        'Joined text',
        '%1 file',
        'decades',
        'seasons',
        'A message text',
        'A marked label',
        'A sentence of %1',
        'An inner text'
      ].sort()
    );
    expect(messages.get('%1 file').plural).toBe('%1 files');
    expect(messages.get('Plain %1').places).toEqual([
      `${path.relative(path.resolve(__dirname, '../../..'), file)}:1:11`
    ]);
    expect(dynamic.map(d => d.call)).toEqual(['label']);
    fs.rmSync(dir, { recursive: true });
  });

  it('finds the strings of the panels (a sample of each package)', () => {
    for (const msgid of [
      'Search datasets, e.g. phytoplankton', // data browser
      'Run the query (Shift+Enter)', // SQL workspace
      'Query cancelled.', // MessageText of the query layer (workers)
      'Community niche (OMI)', // a template's title, marked
      'Stations to analyse (tick at least one)', // a form field, marked
      'DuckDB-WASM in this browser', // an engine's label, marked
      'OMI axis 1', // the kernel's plots (worker)
      'About ODATIS VRE'
    ]) {
      expect(extracted.messages.has(msgid)).toBe(true);
    }
  });

  it('writes no %% in a msgid: gettext reads it as % (so the %%sql magic is an argument, %1)', () => {
    const places = [...extracted.messages.values()]
      .filter(entry => `${entry.msgid}${entry.plural ?? ''}`.includes('%%'))
      .map(entry => `${JSON.stringify(entry.msgid)} (${entry.places[0]})`);
    expect(places).toEqual([]);
  });

  it('leaves no translator call whose strings are not marked', () => {
    const calls = [...new Set(extracted.dynamic.map(d => d.call))].sort();
    const unknown = extracted.dynamic.filter(d => !DYNAMIC.includes(d.call));
    expect(unknown.map(d => `${d.place}: ${d.call}`)).toEqual([]);
    expect(calls).toEqual([...DYNAMIC].sort());
  });
});

describe.each(Object.keys(LANGUAGES))('the %s catalogue', language => {
  const extracted = extractMessages();
  const catalogue = readCatalogue(language);

  it('translates every msgid and holds nothing else', () => {
    const { missing, stale } = compareCatalogue(language, extracted);
    const where = msgid => `${JSON.stringify(msgid)} (${extracted.messages.get(msgid).places[0]})`;
    expect(missing.map(where)).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('keeps the placeholders and the plural forms of each msgid', () => {
    const wrong = [];
    for (const [key, entry] of extracted.messages) {
      const forms = catalogue[key];
      if (!forms) continue;
      const expected = entry.plural ? 2 : 1;
      if (!Array.isArray(forms) || forms.length !== expected) {
        wrong.push(
          `${JSON.stringify(key)}: ${expected} form(s) expected, found ${JSON.stringify(forms)}`
        );
        continue;
      }
      const sources = entry.plural ? [entry.msgid, entry.plural] : [entry.msgid];
      forms.forEach((form, i) => {
        const want = formatSigns(sources[i]);
        const found = formatSigns(form);
        if (JSON.stringify(want) !== JSON.stringify(found)) {
          wrong.push(
            `${JSON.stringify(form)} (${cataloguePath(language)}): expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`
          );
        }
      });
      if (forms.some(form => form.trim() === ''))
        wrong.push(`${JSON.stringify(key)}: empty translation`);
    }
    expect(wrong).toEqual([]);
  });

  it('has the header JupyterLab needs to load it (domain, language, plural forms)', () => {
    expect(catalogue['']).toEqual({
      domain: 'odatis_vre',
      language: language.replace('_', '-'),
      plural_forms: expect.stringMatching(/^nplurals=\d+; plural=.+;$/)
    });
  });

  it('is served as /api/translations/<language>, and offered in the list of languages', () => {
    expect(translationsApi(language)).toEqual({ data: { odatis_vre: catalogue }, message: '' });
    expect(Object.keys(translationsApi('all').data)).toEqual(['en', language]);
    expect(translationsApi('en')).toEqual({ data: {}, message: '' });
  });
});
