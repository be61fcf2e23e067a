import { schemaHash } from '../src/schemahash';

// The build (CommonJS) composes the default settings; the page checks it validates the same schema.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../scripts/host') as {
  schemaHash: (text: string) => string;
  precomposeSettings: (
    entries: { id: string; schema: object }[],
    overrides?: Record<string, Record<string, unknown>>
  ) => { id: string; precomposed?: { schemaHash: string; composite: object } }[];
};

const schema = {
  type: 'object',
  title: 'Démo — ε',
  definitions: {
    colours: {
      type: 'object',
      properties: { line: { type: 'string', default: '#1f77b4' } }
    }
  },
  properties: {
    engine: { type: 'string', enum: ['auto', 'browser', 'server'], default: 'auto' },
    rows: { type: 'number', default: 1000 },
    chart: {
      type: 'object',
      default: {},
      properties: {
        palette: { $ref: '#/definitions/colours', default: {} },
        width: { type: 'number', default: 600 }
      }
    },
    note: { type: 'string' }
  }
};

describe('the settings composed at build time', () => {
  it('hashes a schema the same way in the page and in the build', () => {
    for (const text of ['', '{}', JSON.stringify(schema), '🌊 COAST-HF, Gravelines']) {
      expect(schemaHash(text)).toBe(host.schemaHash(text));
    }
    expect(schemaHash('{"a":1}')).not.toBe(schemaHash('{"a":2}'));
  });

  it('composes the defaults as the setting registry does, nested ones and overrides included', () => {
    const [plain, overridden] = host.precomposeSettings(
      [
        { id: 'demo:plain', schema },
        { id: 'demo:overridden', schema }
      ],
      { 'demo:overridden': { engine: 'server' } }
    );
    expect(plain.precomposed).toEqual({
      schemaHash: schemaHash(JSON.stringify(schema)),
      composite: {
        engine: 'auto',
        rows: 1000,
        chart: { palette: { line: '#1f77b4' }, width: 600 }
      }
    });
    // The page sees the schema with the override applied (JupyterLite does it): that is what is hashed.
    const withOverride = structuredClone(schema);
    withOverride.properties.engine.default = 'server';
    expect(overridden.precomposed?.schemaHash).toBe(schemaHash(JSON.stringify(withOverride)));
    expect(overridden.precomposed?.composite).toEqual(
      expect.objectContaining({ engine: 'server', rows: 1000 })
    );
  });

  it('leaves out what the page must validate itself: invalid schemas, defaults that do not validate', () => {
    const entries = host.precomposeSettings([
      { id: 'demo:not-object', schema: { type: 'array' } },
      {
        id: 'demo:bad-default',
        schema: { type: 'object', properties: { n: { type: 'number', default: 'x' } } }
      },
      {
        id: 'demo:required',
        schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } }
      },
      {
        id: 'demo:bad-schema',
        schema: { type: 'object', properties: { n: { type: 'no-such-type' } } }
      }
    ]);
    expect(entries.map(e => [e.id, e.precomposed])).toEqual([
      ['demo:not-object', undefined],
      ['demo:bad-default', undefined],
      ['demo:required', undefined],
      ['demo:bad-schema', undefined]
    ]);
  });
});
