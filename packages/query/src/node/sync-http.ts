/**
 * A synchronous XMLHttpRequest for node.
 *
 * DuckDB-WASM reads `http(s)://` files (HEAD, then `Range` GETs for Parquet) through *synchronous*
 * XMLHttpRequest, which browsers allow inside Web Workers. Node has no XMLHttpRequest at all, so under node
 * DuckDB-WASM cannot read URLs. This module supplies the small part of XMLHttpRequest that DuckDB-WASM uses,
 * made synchronous by handing the request to a helper thread that runs `fetch` while this thread sleeps on
 * `Atomics.wait`; the answer is then taken off the message port with `receiveMessageOnPort`.
 * Node-only: never imported by the browser entry.
 */
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort
} from 'node:worker_threads';

interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

interface HttpResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
  error: string | null;
}

// The helper thread: one `fetch` per request, answer posted back, then the waiting thread is woken.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
port.on('message', async (req) => {
  let res;
  try {
    const r = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined });
    const body = req.method === 'HEAD' ? null : await r.arrayBuffer();
    res = { status: r.status, statusText: r.statusText, headers: [...r.headers.entries()], body, error: null };
  } catch (e) {
    res = { status: 0, statusText: '', headers: [], body: null, error: String((e && e.cause) || e) };
  }
  port.postMessage(res, res.body ? [res.body] : []);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

class SyncHttpClient {
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag: this.flag },
      transferList: [port2]
    });
    // The helper must never keep a CLI or a test run alive on its own.
    this.worker.unref();
    this.port.unref();
  }

  request(req: HttpRequest): HttpResponse {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    Atomics.wait(this.flag, 0, 0);
    const received = receiveMessageOnPort(this.port);
    if (!received) {
      return {
        status: 0,
        statusText: '',
        headers: [],
        body: null,
        error: 'no answer from the HTTP helper thread'
      };
    }
    return received.message as HttpResponse;
  }
}

let client: SyncHttpClient | null = null;

/** The part of XMLHttpRequest that DuckDB-WASM uses, synchronous only. */
export class SyncXMLHttpRequest {
  responseType = '';
  status = 0;
  statusText = '';
  response: ArrayBuffer | string | null = null;
  readyState = 0;
  private method = 'GET';
  private url = '';
  private requestHeaders: Record<string, string> = {};
  private responseHeaders = new Map<string, string>();

  open(method: string, url: string, async = true): void {
    if (async !== false) {
      throw new Error(
        'SyncXMLHttpRequest only supports synchronous requests (open(method, url, false))'
      );
    }
    this.method = method.toUpperCase();
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.requestHeaders[name] = value;
  }

  send(body?: Uint8Array | ArrayBuffer | string | null): void {
    client ??= new SyncHttpClient();
    const bytes =
      body == null
        ? null
        : typeof body === 'string'
          ? new TextEncoder().encode(body)
          : new Uint8Array(body as ArrayBuffer);
    const res = client.request({
      method: this.method,
      url: this.url,
      headers: this.requestHeaders,
      body: bytes
    });
    this.readyState = 4;
    if (res.error) {
      // Same behaviour as a browser: a network failure throws from send().
      throw new Error(`HTTP ${this.method} ${this.url} failed: ${res.error}`);
    }
    this.status = res.status;
    this.statusText = res.statusText;
    this.responseHeaders = new Map(res.headers.map(([k, v]) => [k.toLowerCase(), v]));
    const data = res.body ?? new ArrayBuffer(0);
    this.response = this.responseType === 'arraybuffer' ? data : new TextDecoder().decode(data);
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name.toLowerCase()) ?? null;
  }

  getAllResponseHeaders(): string {
    return [...this.responseHeaders].map(([k, v]) => `${k}: ${v}\r\n`).join('');
  }

  abort(): void {}
}

/** Give this thread a synchronous XMLHttpRequest (if it has none), so DuckDB-WASM can read http(s) URLs. */
export function installSyncXMLHttpRequest(): void {
  const g = globalThis as { XMLHttpRequest?: unknown };
  if (g.XMLHttpRequest === undefined) {
    g.XMLHttpRequest = SyncXMLHttpRequest;
  }
}
