// Entry of the host bundle. Before any JupyterLab module runs, load the prebuilt (federated)
// extensions listed in the page config and let them join the host's share scope, the way a
// stock JupyterLab does; then start the application.

function pageOption(name) {
  const el = document.getElementById('jupyter-config-data');
  const config = el ? JSON.parse(el.textContent || '{}') : {};
  const value = config[name];
  // Like PageConfig.getOption: every option is a string, structured values as JSON.
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`Could not load the prebuilt extension script ${url}`));
    document.head.appendChild(script);
  });
}

async function loadFederatedExtensions() {
  const extensions = JSON.parse(pageOption('federated_extensions') || '[]');
  const base = pageOption('fullLabextensionsUrl').replace(/\/$/, '');
  const loaded = await Promise.allSettled(
    extensions.map(ext => loadScript(`${base}/${ext.name}/${ext.load}`))
  );
  loaded.filter(r => r.status === 'rejected').forEach(r => console.error(r.reason));
  await __webpack_init_sharing__('default');
  for (const ext of extensions) {
    const container = (window._JUPYTERLAB || {})[ext.name];
    if (container) {
      await container.init(__webpack_share_scopes__.default);
    }
  }
  // Ask each extension for its plugins' modules now, so that their chunks (and the shared modules they
  // use) download while the host's own chunks do; index.js's main() takes these requests instead of
  // making them once the host's modules have run. Nothing is evaluated before main() asks for it.
  const requested = new Map();
  for (const ext of extensions) {
    const container = (window._JUPYTERLAB || {})[ext.name];
    for (const module of [ext.extension, ext.mimeExtension, ext.style]) {
      if (!container || !module) continue;
      const factory = Promise.resolve().then(() => container.get(module));
      factory.catch(() => undefined); // main() reports the failure
      requested.set(`${ext.name}:${module}`, factory);
    }
  }
  window.__ODATIS_VRE_FEDERATED_MODULES__ = requested;
}

function showStartupError(error) {
  console.error(error);
  const box = document.createElement('pre');
  box.id = 'odatis-vre-startup-error';
  box.style.cssText =
    'margin:2em;padding:1em;border:1px solid #c00;color:#900;white-space:pre-wrap;font:14px monospace';
  box.textContent = `ODATIS VRE could not start:\n${error && error.stack ? error.stack : error}`;
  document.body.appendChild(box);
}

loadFederatedExtensions()
  .then(() => import('./index.js'))
  .then(({ main }) => main())
  .catch(showStartupError);
