// Load the prebuilt (federated) extension in chromium the way JupyterLab does (container.init + get), activate it.
const { createServer } = require('node:http');
const { readFileSync, existsSync, readdirSync } = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const stat = path.join(__dirname, 'dist/ext/static');
const remote = readdirSync(stat).find(f => f.startsWith('remoteEntry'));
const html = `<!doctype html><script src="/lab/extensions/odatis-query-jlcheck/static/${remote}"></script>
<script>
(async () => {
  const container = _JUPYTERLAB['odatis-query-jlcheck'];
  await container.init({});
  const factory = await container.get('./extension');
  const plugin = factory().default;
  plugin.activate({});
})().catch(e => console.log('HOST ERROR ' + e.stack));
</script>`;
const log = [];
const server = createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (url === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  const file = path.join(stat, url.replace('/lab/extensions/odatis-query-jlcheck/static/', ''));
  log.push(url);
  if (!existsSync(file)) return res.writeHead(404).end();
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  res.writeHead(200, { 'Content-Type': type }).end(readFileSync(file));
});
server.listen(0, '127.0.0.1', async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  const page = await browser.newPage();
  const done = new Promise(resolve => {
    page.on('console', m => {
      console.log('[page]', m.text());
      if (/answer|ERROR/.test(m.text())) resolve();
    });
    page.on('pageerror', e => {
      console.log('[page error]', e.message);
      resolve();
    });
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await Promise.race([done, new Promise(r => setTimeout(r, 60000))]);
  console.log(log.join('\n'));
  await browser.close();
  server.close();
});
