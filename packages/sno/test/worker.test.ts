/**
 * The browser-safe entry really runs in a browser Web Worker: bundled with esbuild for the
 * browser, served from 127.0.0.1, run in headless Chromium (Debian package `chromium`).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { readSnoFile } from '../src';
import { scratch, sharedFiles } from './helpers';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  p => fs.existsSync(p)
);

test('readers, Parquet/Arrow writers and catalogue run in a browser Web Worker', async () => {
  if (!chromium) throw new Error('headless Chromium not found: apt-get install chromium');
  const dir = scratch('worker');
  await build({
    entryPoints: [path.join(__dirname, 'worker', 'entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'worker.js'),
    logLevel: 'silent'
  });
  const wasm = require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
  fs.copyFileSync(wasm, path.join(dir, 'parquet_wasm_bg.wasm'));
  const luc = sharedFiles('phytobs').find(f => f.endsWith('PELAGOS_Phyto-Unicaen_Luc.csv'))!;
  fs.copyFileSync(luc, path.join(dir, 'luc.csv'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><pre id="out">pending</pre><script>
      const report = data => fetch('result', { method: 'POST', body: JSON.stringify(data) });
      const w = new Worker('worker.js', { type: 'module' });
      w.onmessage = e => report(e.data);
      w.onerror = e => report({ ok: false, error: 'worker error: ' + e.message });
      w.postMessage('go');
    </script>`
  );
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.wasm': 'application/wasm',
    '.html': 'text/html',
    '.csv': 'text/csv'
  };
  let deliver: (body: string) => void = () => undefined;
  const posted = new Promise<string>(resolve => (deliver = resolve));
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        res.writeHead(204).end();
        deliver(body);
      });
      return;
    }
    const file = path.join(dir, path.basename(req.url ?? '/'));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const browser = spawn(chromium, [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    `--user-data-dir=${path.join(dir, 'profile')}`,
    `http://127.0.0.1:${port}/index.html`
  ]);
  let stderr = '';
  browser.stderr.on('data', d => (stderr += d));
  try {
    let timer: NodeJS.Timeout | undefined;
    const body = await Promise.race([
      posted,
      new Promise<string>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `no result from the worker within 60 s; chromium said: ${stderr.slice(-1500)}`
              )
            ),
          60000
        );
      })
    ]).finally(() => clearTimeout(timer));
    const result = JSON.parse(body);
    expect(result.error).toBeUndefined();
    const inNode = readSnoFile('PELAGOS_Phyto-Unicaen_Luc.csv', fs.readFileSync(luc));
    expect(result).toMatchObject({
      ok: true,
      lucWritten: inNode.report.valuesWritten,
      parquetRows: inNode.report.valuesWritten,
      firstValue: inNode.observations.column('value')[0],
      catalogSites: ['luc-sur-mer'],
      hasBuffer: 'undefined',
      hasProcess: 'undefined'
    });
    expect(result.somlitWritten).toBe(result.somlitExpected);
  } finally {
    const exited = new Promise(resolve => browser.once('exit', resolve));
    browser.kill();
    await exited;
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }
});
