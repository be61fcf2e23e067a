/**
 * The document script of the NEO kernel's isolation frame (a classic script, no imports: the bundler
 * copies it as a file). The page loads it in a sandboxed iframe without `allow-same-origin`; Chromium
 * puts such a frame in a process of its own, so when the kernel's worker runs out of memory the browser
 * ends that process, not the notebook's tab. See isolated-worker.ts for the page's side.
 *
 * It starts the kernel's worker from the script URL the page gives (a worker of an opaque origin must
 * come from a blob: URL, which then loads the real script), relays messages between the page's port and
 * the worker, and answers the page's heartbeat, which a busy or dying worker cannot delay.
 */
(() => {
  let port: MessagePort | null = null;
  let worker: Worker | null = null;

  addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent) return;
    const data = event.data as { neoFrame?: string; workerUrl?: string };
    if (data?.neoFrame === 'ping') {
      parent.postMessage({ neoFrame: 'pong' }, '*');
    } else if (data?.neoFrame === 'start' && !worker && event.ports[0]) {
      start(String(data.workerUrl), event.ports[0]);
    }
  });

  function start(workerUrl: string, pagePort: MessagePort): void {
    port = pagePort;
    // The bundle finds its chunks from `location`: a blob worker's own would be the blob's.
    const source =
      `Object.defineProperty(self, 'location', { value: new URL(${JSON.stringify(workerUrl)}), configurable: true });\n` +
      `importScripts(${JSON.stringify(workerUrl)});\n`;
    worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    worker.addEventListener('message', event => port!.postMessage(event.data, [...event.ports]));
    worker.addEventListener('error', event => {
      event.preventDefault();
      port!.postMessage({ neoFrameError: event.message || 'the worker failed' });
    });
    port.addEventListener('message', event => worker!.postMessage(event.data, [...event.ports]));
    port.start();
  }

  // The page waits for this before it starts the worker.
  parent.postMessage({ neoFrame: 'ready' }, '*');
})();
