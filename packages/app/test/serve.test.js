const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { SeededRandom } = require('@odatis-vre/niche');
const {
  APP_POLICY,
  DATA_POLICY,
  isInside,
  parseRange,
  parseRequestPath,
  serveSite
} = require('../scripts/serve');

const SERVE = path.resolve(__dirname, '..', 'scripts', 'serve.js');

/** Sends bytes as they are (no client-side URL clean-up) and returns the status code and body. */
function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const chunks = [];
    socket.on('data', c => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: status ? Number(status[1]) : null, answer });
    });
  });
}

const get = (port, target) =>
  rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

function openDescriptors() {
  return fs.readdirSync('/proc/self/fd').length;
}

/** Waits until `check()` is true (polling), or fails with `message` after `ms`. */
async function eventually(check, message, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(message());
    await new Promise(r => setTimeout(r, 50));
  }
}

/** A site folder like the built one: the application page, data files, build assets. */
function makeSite(root) {
  const site = path.join(root, 'site');
  fs.mkdirSync(path.join(site, 'lab'), { recursive: true });
  fs.writeFileSync(path.join(site, 'lab', 'index.html'), '<html>lab</html>');
  fs.writeFileSync(path.join(site, 'index.html'), '<html>root</html>');
  fs.mkdirSync(path.join(site, 'files', 'shared'), { recursive: true });
  fs.mkdirSync(path.join(site, 'build'));
  fs.writeFileSync(path.join(site, 'build', 'bundle.js'), 'console.log(1)');
  fs.writeFileSync(path.join(site, 'engine.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(site, 'files', 'empty.txt'), '');
  fs.writeFileSync(
    path.join(site, 'files', 'shared', 'evil.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg"><script>localStorage.x=1</script></svg>'
  );
  // Beside the site: a folder whose name starts like the site's, and a secret.
  fs.mkdirSync(path.join(root, 'site-private'));
  fs.writeFileSync(path.join(root, 'site-private', 'secret.txt'), 'SECRET');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'SECRET');
  // Symlinks inside the site: out of it (refused), and to a file of the site (served).
  fs.symlinkSync(path.join(root, 'site-private'), path.join(site, 'files', 'out-folder'));
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(site, 'files', 'out-file.txt'));
  fs.symlinkSync(path.join(site, 'files', 'empty.txt'), path.join(site, 'files', 'in-file.txt'));
  return site;
}

describe('the static server of the embedded VRE', () => {
  let root;
  let site;
  let server;
  let base;
  let port;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  const big = Buffer.alloc(8 * 1024 * 1024, 7);

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-serve-'));
    site = makeSite(root);
    fs.writeFileSync(path.join(site, 'files', 'data.parquet'), bytes);
    fs.writeFileSync(path.join(site, 'files', 'big.bin'), big);
    const started = await serveSite(site, { port: 0 });
    server = started.server;
    port = server.address().port;
    base = started.url.replace(/lab\/$/, '');
  });

  afterAll(() => {
    server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers byte ranges, as DuckDB reads Parquet', async () => {
    const response = await fetch(`${base}files/data.parquet`, {
      headers: { Range: 'bytes=10-19' }
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const tail = await fetch(`${base}files/data.parquet`, { headers: { Range: 'bytes=-8' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(992));
    const outside = await fetch(`${base}files/data.parquet`, { headers: { Range: 'bytes=2000-' } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */1000');
  });

  it('reads bad or odd Range headers as RFC 9110 says: whole file, a clipped range, or 416', async () => {
    const cases = [
      ['bytes=abc', 200, 1000],
      ['bytes=5-2', 200, 1000], // last before first: not a valid range, ignored
      ['bytes=0-1,5-6', 200, 1000], // several ranges: we send the whole file
      ['bytes=-', 200, 1000],
      ['items=0-5', 200, 1000],
      ['bytes=990-5000', 206, 10], // clipped to the end
      ['bytes=-5000', 206, 1000], // suffix longer than the file: all of it
      ['bytes=-0', 416, 0],
      ['bytes=1000-', 416, 0],
      ['bytes=99999999999999999999999-', 416, 0],
      ['bytes=0-99999999999999999999999', 206, 1000]
    ];
    for (const [range, status, length] of cases) {
      const response = await fetch(`${base}files/data.parquet`, { headers: { Range: range } });
      const body = Buffer.from(await response.arrayBuffer());
      expect([range, response.status, body.length]).toEqual([range, status, length]);
    }
    // An empty file has no satisfiable range, and is served whole (0 bytes) without one.
    expect((await fetch(`${base}files/empty.txt`)).status).toBe(200);
    const emptyRange = await fetch(`${base}files/empty.txt`, { headers: { Range: 'bytes=0-' } });
    expect(emptyRange.status).toBe(416);
  });

  it('unit: parseRange, parseRequestPath and isInside (by path segments, not string prefix)', () => {
    expect(isInside('/srv/site', '/srv/site')).toBe(true);
    expect(isInside('/srv/site', '/srv/site/files/x.csv')).toBe(true);
    expect(isInside('/srv/site', '/srv/site-private/secret.txt')).toBe(false);
    expect(isInside('/srv/site', '/srv/sitefiles')).toBe(false);
    expect(isInside('/srv/site', '/srv')).toBe(false);
    expect(isInside('/srv/site', '/srv/site/..hidden')).toBe(true);
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRequestPath('/files/a%20b//c.csv?x=%').segments).toEqual(['files', 'a b', 'c.csv']);
    expect(parseRequestPath('/lab/').trailingSlash).toBe(true);
    for (const bad of [
      '/%',
      '/a/%E0%A4%A',
      '/..',
      '/a/./b',
      '/%2e%2e/x',
      '/a%2fb',
      '/a%5Cb',
      '/%00',
      'x'
    ]) {
      expect(() => parseRequestPath(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('serves whole files with their types', async () => {
    const whole = await fetch(`${base}files/data.parquet`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    const wasm = await fetch(`${base}engine.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const head = await fetch(`${base}files/data.parquet`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '1000']);
    const post = await fetch(`${base}files/data.parquet`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('caches content-hashed build files for good and answers 304 to a revalidation of the rest', async () => {
    fs.writeFileSync(path.join(site, 'build', '41666.9a92cc46.js'), '// chunk');
    fs.writeFileSync(path.join(site, 'files', '20120101.csv'), 'a\n1\n');
    const hashed = await fetch(`${base}build/41666.9a92cc46.js`);
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // A data file named by a date is not a hashed build file.
    const dated = await fetch(`${base}files/20120101.csv`);
    expect(dated.headers.get('cache-control')).toBe('no-cache');
    const first = await fetch(`${base}build/bundle.js`);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const again = await fetch(`${base}build/bundle.js`, { headers: { 'If-None-Match': etag } });
    expect([again.status, await again.text()]).toEqual([304, '']);
    const since = first.headers.get('last-modified');
    const bySince = await fetch(`${base}build/bundle.js`, {
      headers: { 'If-Modified-Since': since }
    });
    expect(bySince.status).toBe(304);
    // Changed since: the new bytes.
    fs.writeFileSync(path.join(site, 'build', 'bundle.js'), 'console.log(22)');
    fs.utimesSync(path.join(site, 'build', 'bundle.js'), new Date(), new Date(Date.now() + 5000));
    const changed = await fetch(`${base}build/bundle.js`, { headers: { 'If-None-Match': etag } });
    expect([changed.status, await changed.text()]).toEqual([200, 'console.log(22)']);
  });

  it('answers JupyterLab routes with the application page, and 404 elsewhere', async () => {
    expect(await (await fetch(`${base}lab/tree/shared/phytobs`)).text()).toBe('<html>lab</html>');
    expect(await (await fetch(`${base}lab`)).text()).toBe('<html>lab</html>');
    expect(await (await fetch(`${base}`)).text()).toBe('<html>root</html>');
    expect((await fetch(`${base}nothing/here`)).status).toBe(404);
    expect((await fetch(`${base}..%2f..%2fetc/passwd`)).status).toBe(400);
  });

  it('turns malformed request paths into 400 answers and keeps serving', async () => {
    for (const target of [
      '/%',
      '/files/%',
      '/lab/%E0%A4%A',
      '/%zz',
      '/files/%00.txt',
      '/files/a%2F..%2F..%2Fsecret.txt',
      '/../secret.txt',
      '/files/../../secret.txt',
      '/./files/data.parquet',
      'files/data.parquet',
      'http://127.0.0.1/files/data.parquet',
      '*'
    ]) {
      const { status, answer } = await get(port, target);
      expect([target, status]).toEqual([target, 400]);
      expect(answer).not.toContain('SECRET');
    }
    // A request line node's parser refuses is answered 400 by node itself.
    expect((await rawRequest(port, 'GET /a b c\r\n\r\n')).status).toBe(400);
    expect((await fetch(`${base}files/data.parquet`)).status).toBe(200);
  });

  it('serves nothing outside the site: sibling folders, symlinks out of it', async () => {
    for (const target of [
      '/../site-private/secret.txt',
      '/%2E%2E/site-private/secret.txt',
      '/files/out-folder/secret.txt',
      '/files/out-file.txt',
      '/files/out-folder/'
    ]) {
      const { status, answer } = await get(port, target);
      expect([target, status >= 400 && status < 500]).toEqual([target, true]);
      expect(answer).not.toContain('SECRET');
    }
    // A named pipe is no file: answered at once, without waiting for a writer.
    execFileSync('mkfifo', [path.join(site, 'files', 'pipe')]);
    expect((await fetch(`${base}files/pipe`)).status).toBe(404);
    // A symlink that stays inside the site is followed.
    expect((await fetch(`${base}files/in-file.txt`)).status).toBe(200);
  });

  it('sends nosniff everywhere, sandboxes data files and gives the application its policy', async () => {
    for (const target of ['files/data.parquet', 'nothing', 'lab/', 'build/bundle.js', '%']) {
      const response = await fetch(`${base}${target}`);
      expect([target, response.headers.get('x-content-type-options')]).toEqual([target, 'nosniff']);
    }
    const svg = await fetch(`${base}files/shared/evil.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('content-security-policy')).toBe(DATA_POLICY);
    expect(DATA_POLICY.split(';')[0]).toBe('sandbox');
    for (const page of ['lab/', 'lab/tree/shared', '']) {
      const response = await fetch(`${base}${page}`);
      expect(response.headers.get('content-security-policy')).toBe(APP_POLICY);
    }
    // Scripts carry no policy: a worker's own policy would come from its script's answer.
    expect((await fetch(`${base}build/bundle.js`)).headers.get('content-security-policy')).toBe(
      null
    );
  });

  it('closes the file of every download the client abandons', async () => {
    const before = openDescriptors();
    const abandon = () =>
      new Promise((resolve, reject) => {
        const request = http.get(`${base}files/big.bin`, response => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', error => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
      });
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 50 }, abandon));
    }
    // 200 abandoned downloads: what stays open is what was open before, give or take a socket.
    await eventually(
      () => openDescriptors() <= before + 4,
      () => `${openDescriptors() - before} descriptors more than before 200 abandoned downloads`
    );
    const after = await fetch(`${base}files/big.bin`);
    expect(Buffer.from(await after.arrayBuffer()).equals(big)).toBe(true);
  });

  it('fuzz: a few hundred seeded hostile paths get a 2xx/4xx answer, never a file outside the site', async () => {
    const random = new SeededRandom(20261201);
    const pieces = [
      'files',
      'shared',
      'lab',
      'tree',
      'data.parquet',
      'evil.svg',
      'secret.txt',
      'site-private',
      'out-folder',
      'out-file.txt',
      '..',
      '.',
      '',
      '%',
      '%2',
      '%2e',
      '%2E%2e',
      '%2f',
      '%2F',
      '%5c',
      '%00',
      '%ff',
      '%E0%A4',
      '%C3%A9',
      'é',
      '~',
      '%25',
      '%252e%252e',
      ';',
      '?',
      '#',
      '&x=%',
      '\\',
      'a'.repeat(300),
      'index.html',
      'build',
      'bundle.js',
      '%20',
      '+',
      '*'
    ];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const statuses = new Map();
    for (let i = 0; i < 300; i++) {
      const n = 1 + random.nextBelow(6);
      const parts = Array.from({ length: n }, () => pieces[random.nextBelow(pieces.length)]);
      const target = `/${parts.join(random.nextBelow(4) === 0 ? '//' : '/')}`;
      const { status, body } = await new Promise((resolve, reject) => {
        const request = http.get({ host: '127.0.0.1', port, path: target, agent }, response => {
          const chunks = [];
          response.on('data', c => chunks.push(c));
          response.on('end', () =>
            resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() })
          );
        });
        request.on('error', reject);
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect([target, status < 500]).toEqual([target, true]);
      expect([target, body.includes('SECRET')]).toEqual([target, false]);
    }
    agent.destroy();
    // The generator reaches both answers and refusals.
    expect(statuses.get(400)).toBeGreaterThan(20);
    expect((statuses.get(200) ?? 0) + (statuses.get(404) ?? 0)).toBeGreaterThan(20);
    expect((await fetch(`${base}files/data.parquet`)).status).toBe(200);
  });
});

describe('the static server at its open-file limit', () => {
  let root;
  let child;

  afterEach(() => {
    child?.kill();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 (or drops the connection) when out of descriptors, and serves again after', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-serve-limit-'));
    const site = makeSite(root);
    fs.writeFileSync(path.join(site, 'files', 'big.bin'), Buffer.alloc(16 * 1024 * 1024, 1));
    // A server of its own, allowed 64 descriptors (node itself holds about 25).
    const script = `require(${JSON.stringify(SERVE)}).serveSite(${JSON.stringify(site)}, { port: 0 })
      .then(({ server }) => console.log('PORT ' + server.address().port))`;
    child = spawn('sh', ['-c', 'ulimit -n 64 && exec "$0" -e "$1"', process.execPath, script], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    const port = await new Promise((resolve, reject) => {
      child.stdout.on('data', d => {
        const m = /PORT (\d+)/.exec(String(d));
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', code => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    // Downloads held open without reading: each needs a socket and an open file. Ten first, one by one
    // (all served), then a storm of 80 that cannot all fit in 64 descriptors.
    const held = [];
    const download = () =>
      new Promise(resolve => {
        const request = http.get({ host: '127.0.0.1', port, path: '/files/big.bin' }, response => {
          response.pause();
          held.push(request);
          resolve(response.statusCode);
        });
        request.on('error', error => resolve(error.code));
        request.setTimeout(5000, () => {
          request.destroy();
          resolve('timeout');
        });
      });
    const first = [];
    for (let i = 0; i < 10; i++) first.push(await download());
    expect(first).toEqual(Array(10).fill(200));
    const storm = await Promise.all(Array.from({ length: 80 }, download));
    // The limit was reached: downloads were refused (503) or their connection dropped, nothing else.
    expect(storm.filter(o => o !== 200).length).toBeGreaterThan(0);
    expect(storm.filter(o => ![200, 503, 'ECONNRESET', 'EPIPE', 'timeout'].includes(o))).toEqual(
      []
    );
    held.forEach(r => r.destroy());
    // The server is alive and serves again once the clients are gone.
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/files/empty.txt`).catch(() => null))?.status === 200,
      () => `the server does not serve again after the descriptor storm: ${stderr}`
    );
    expect(child.exitCode).toBeNull();
  });
});
