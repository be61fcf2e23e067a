const fs = require('fs');
const os = require('os');
const path = require('path');
const { buildSite } = require('../scripts/site');

describe('the site assembly of the embedded VRE', () => {
  let tmp;
  let site;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-site-'));
    const build = path.join(tmp, 'build');
    fs.mkdirSync(path.join(build, 'schemas'), { recursive: true });
    fs.writeFileSync(path.join(build, 'bundle.js'), '// host');
    fs.writeFileSync(path.join(build, 'service-worker.js'), '// sw');
    const ext = path.join(tmp, 'ext-dist');
    fs.mkdirSync(path.join(ext, 'static'), { recursive: true });
    fs.mkdirSync(path.join(ext, 'schemas', '@demo', 'ext'), { recursive: true });
    const extPkg = {
      name: '@demo/ext',
      version: '1.2.3',
      jupyterlab: { _build: { load: 'static/remoteEntry.abc.js', extension: './extension' } }
    };
    fs.writeFileSync(path.join(ext, 'package.json'), JSON.stringify(extPkg));
    fs.writeFileSync(
      path.join(ext, 'schemas', '@demo', 'ext', 'package.json.orig'),
      JSON.stringify(extPkg)
    );
    fs.writeFileSync(
      path.join(ext, 'schemas', '@demo', 'ext', 'plugin.json'),
      JSON.stringify({ title: 'Demo', properties: {} })
    );
    const data = path.join(tmp, 'data');
    fs.mkdirSync(path.join(data, 'phytobs'), { recursive: true });
    fs.writeFileSync(path.join(data, 'README.md'), '# data');
    fs.writeFileSync(path.join(data, 'phytobs', 'counts.csv'), 'a;b\n1;2\n');
    fs.chmodSync(path.join(data, 'phytobs', 'counts.csv'), 0o444);
    const examples = path.join(tmp, 'examples');
    fs.mkdirSync(examples);
    fs.writeFileSync(path.join(examples, 'nb.ipynb'), '{}');
    site = path.join(tmp, 'site');
    buildSite({
      siteDir: site,
      buildDir: build,
      extensions: [ext],
      mounts: [
        { name: 'shared', source: data, readOnly: true },
        { name: 'examples', source: examples, readOnly: false }
      ],
      pageConfig: { appVersion: '4.6.6' }
    });
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const listing = rel =>
    JSON.parse(fs.readFileSync(path.join(site, 'api', 'contents', rel, 'all.json'), 'utf8'));

  it('lists every mounted folder, with read-only flags', () => {
    const rootListing = listing('');
    expect(rootListing.content.map(c => [c.name, c.type, c.writable])).toEqual([
      ['examples', 'directory', true],
      ['shared', 'directory', false]
    ]);
    const shared = listing('shared');
    expect(shared.writable).toBe(false);
    expect(shared.content.map(c => c.path)).toEqual(['shared/README.md', 'shared/phytobs']);
    const phytobs = listing('shared/phytobs');
    expect(phytobs.content).toEqual([
      expect.objectContaining({
        name: 'counts.csv',
        path: 'shared/phytobs/counts.csv',
        type: 'file',
        size: 8,
        mimetype: 'text/csv',
        writable: false
      })
    ]);
    expect(listing('examples').content[0]).toEqual(
      expect.objectContaining({ name: 'nb.ipynb', type: 'notebook', writable: true })
    );
    expect(
      fs.readFileSync(path.join(site, 'files', 'shared', 'phytobs', 'counts.csv'), 'utf8')
    ).toBe('a;b\n1;2\n');
  });

  it('installs prebuilt extensions and their settings schemas, and writes the page config', () => {
    expect(fs.existsSync(path.join(site, 'extensions', '@demo', 'ext', 'package.json'))).toBe(true);
    const federated = JSON.parse(
      fs.readFileSync(path.join(site, 'build', 'schemas', 'all_federated.json'), 'utf8')
    );
    expect(federated).toEqual([
      expect.objectContaining({
        id: '@demo/ext:plugin',
        version: '1.2.3',
        schema: { title: 'Demo', properties: {} }
      })
    ]);
    const html = fs.readFileSync(path.join(site, 'lab', 'index.html'), 'utf8');
    const config = JSON.parse(
      /<script id="jupyter-config-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)[1]
    );
    expect(config).toEqual(
      expect.objectContaining({
        appVersion: '4.6.6',
        readOnlyMounts: ['shared'],
        federated_extensions: [
          {
            name: '@demo/ext',
            version: '1.2.3',
            load: 'static/remoteEntry.abc.js',
            extension: './extension'
          }
        ]
      })
    );
  });

  it('updates the site in place: copies what changed, keeps what did not, removes what is gone', () => {
    const options = mounts => ({
      siteDir: site,
      buildDir: path.join(tmp, 'build'),
      extensions: [path.join(tmp, 'ext-dist')],
      mounts,
      pageConfig: { appVersion: '4.6.6' }
    });
    const data = { name: 'shared', source: path.join(tmp, 'data'), readOnly: true };
    const examples = { name: 'examples', source: path.join(tmp, 'examples'), readOnly: false };
    const counts = path.join(site, 'files', 'shared', 'phytobs', 'counts.csv');
    const bundle = path.join(site, 'build', 'bundle.js');
    // A copy keeps its source's modification time and loses its write protection.
    expect(
      Math.abs(
        fs.statSync(counts).mtimeMs -
          fs.statSync(path.join(tmp, 'data', 'phytobs', 'counts.csv')).mtimeMs
      )
    ).toBeLessThan(1);
    expect(fs.statSync(counts).mode & 0o777).toBe(0o644);
    const before = { counts: fs.statSync(counts).ino, bundle: fs.statSync(bundle).ino };
    const stray = path.join(site, 'build', 'old-chunk.js');
    fs.writeFileSync(stray, '// from an earlier build');
    // The host is rebuilt (new bytes, new time) and examples/ is no longer mounted.
    fs.writeFileSync(path.join(tmp, 'build', 'bundle.js'), '// host, rebuilt');
    fs.utimesSync(path.join(tmp, 'build', 'bundle.js'), new Date(), new Date(Date.now() + 2000));
    buildSite(options([data]));
    expect(fs.statSync(counts).ino).toBe(before.counts); // unchanged: not copied again
    expect(fs.readFileSync(bundle, 'utf8')).toBe('// host, rebuilt');
    expect(fs.existsSync(stray)).toBe(false);
    expect(fs.existsSync(path.join(site, 'files', 'examples'))).toBe(false);
    expect(listing('').content.map(c => c.name)).toEqual(['shared']);
    buildSite(options([data, examples]));
    expect(listing('').content.map(c => c.name)).toEqual(['examples', 'shared']);
    expect(fs.readFileSync(path.join(site, 'files', 'examples', 'nb.ipynb'), 'utf8')).toBe('{}');
  });

  it('refuses to mount a folder that does not exist, naming it', () => {
    expect(() =>
      buildSite({
        siteDir: path.join(tmp, 'site2'),
        buildDir: path.join(tmp, 'build'),
        extensions: [],
        mounts: [{ name: 'shared', source: path.join(tmp, 'nope'), readOnly: true }]
      })
    ).toThrow(`The folder to mount as shared/ does not exist: ${path.join(tmp, 'nope')}`);
  });
});
