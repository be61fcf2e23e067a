const fs = require('fs');
const os = require('os');
const path = require('path');
const { serveSite } = require('../scripts/serve');

describe('the static server of the embedded VRE', () => {
  let dir;
  let server;
  let base;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-serve-'));
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.writeFileSync(path.join(dir, 'lab', 'index.html'), '<html>lab</html>');
    fs.mkdirSync(path.join(dir, 'files'));
    fs.writeFileSync(path.join(dir, 'files', 'data.parquet'), bytes);
    fs.writeFileSync(path.join(dir, 'engine.wasm'), Buffer.from([0, 97, 115, 109]));
    const started = await serveSite(dir, { port: 0 });
    server = started.server;
    base = started.url.replace(/lab\/$/, '');
  });

  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
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
  });

  it('serves whole files with their types', async () => {
    const whole = await fetch(`${base}files/data.parquet`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    const wasm = await fetch(`${base}engine.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });

  it('answers JupyterLab routes with the application page, and 404 elsewhere', async () => {
    expect(await (await fetch(`${base}lab/tree/shared/phytobs`)).text()).toBe('<html>lab</html>');
    expect((await fetch(`${base}nothing/here`)).status).toBe(404);
    expect((await fetch(`${base}..%2f..%2fetc/passwd`)).status).toBe(404);
  });
});
