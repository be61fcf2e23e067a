/**
 * HTTP for the catalogue clients: one place that bounds time and size, goes through the VRE's proxy
 * when there is one, and turns every failure into a SourceError a person can act on (which service,
 * which address, what went wrong, what to do).
 */

export type SourceErrorKind =
  /** No answer at all: offline, DNS, connection refused, or a cross-origin answer the browser refused. */
  | 'unreachable'
  | 'timeout'
  /** The service answered with an HTTP error status. */
  | 'http'
  /** The answer is not what the service's format says (bad JSON, an HTML page instead of JSON…). */
  | 'malformed'
  /** The VRE's proxy refuses the host (not in its allow-list). */
  | 'not-allowed'
  | 'too-large'
  | 'aborted';

export interface SourceErrorDetail {
  /** Name of the service, e.g. "Sextant". */
  source: string;
  kind: SourceErrorKind;
  url: string;
  status?: number;
  /** The start of the answer's text, when there was one (HTML tags removed). */
  body?: string;
  message: string;
}

export class SourceError extends Error {
  readonly detail: SourceErrorDetail;
  constructor(detail: SourceErrorDetail) {
    super(detail.message);
    this.name = 'SourceError';
    this.detail = detail;
  }
  get kind(): SourceErrorKind {
    return this.detail.kind;
  }
}

export interface TransportOptions {
  /** The fetch to use (tests may pass their own); defaults to the global one. */
  fetch?: typeof fetch;
  /**
   * The VRE's proxy endpoint (e.g. `/odatis-vre/proxy`): requests go to `<proxy>?url=<address>`.
   * Null: straight to the service (works only where the service sends CORS headers, or in node).
   */
  proxy?: string | null;
  /** The hosts (host:port) the proxy forwards to; others are fetched straight. Default: all. */
  proxyHosts?: string[] | null;
  /** Default 20 s. */
  timeoutMs?: number;
  /** Largest answer read, default 50 MiB. */
  maxBytes?: number;
}

export interface RequestOptions {
  /** Service name for messages. */
  source: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  /** Read only the first bytes (a preview): stop there and keep what was read. */
  headBytes?: number;
  onProgress?: (received: number, total: number | null) => void;
}

/** What the proxy says in `X-Odatis-Proxy-Error` when the failure is its own, not the service's. */
const PROXY_KINDS: Record<string, SourceErrorKind> = {
  'not-allowed': 'not-allowed',
  unreachable: 'unreachable',
  timeout: 'timeout',
  'too-large': 'too-large'
};

/** Text of an answer for a message: tags removed, whitespace folded, bounded. */
export function plainExcerpt(text: string, max = 200): string {
  const plain = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export class Transport {
  readonly proxy: string | null;
  private readonly proxyHosts: string[] | null;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(options: TransportOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.proxy = options.proxy ?? null;
    this.proxyHosts = options.proxyHosts?.map(h => h.toLowerCase()) ?? null;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  }

  /** The address actually fetched for a service address. */
  address(url: string): string {
    if (!this.proxied(url)) return url;
    const sep = this.proxy!.includes('?') ? '&' : '?';
    return `${this.proxy!}${sep}url=${encodeURIComponent(url)}`;
  }

  /** Does this address go through the proxy? */
  proxied(url: string): boolean {
    if (!this.proxy) return false;
    if (!this.proxyHosts) return true;
    try {
      return this.proxyHosts.includes(new URL(url).host.toLowerCase());
    } catch {
      return false;
    }
  }

  /** The answer's bytes; throws SourceError for anything but a 2xx answer read in full. */
  async bytes(url: string, options: RequestOptions): Promise<Uint8Array> {
    return (await this.fetch(url, options)).bytes;
  }

  async text(url: string, options: RequestOptions): Promise<string> {
    return new TextDecoder().decode(await this.bytes(url, options));
  }

  /** Parsed JSON; an answer that is not JSON is a 'malformed' SourceError saying where it broke. */
  async json<T = unknown>(url: string, options: RequestOptions): Promise<T> {
    const { bytes, contentType } = await this.fetch(url, {
      ...options,
      headers: { Accept: 'application/json', ...options.headers }
    });
    const text = new TextDecoder().decode(bytes);
    if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
      throw new SourceError({
        source: options.source,
        kind: 'malformed',
        url,
        body: plainExcerpt(text),
        message: `${options.source} answered with a web page instead of JSON (${url}): ${plainExcerpt(text, 120)}`
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      const pos = at ? Number(at[1]) : null;
      const near = pos === null ? text.slice(0, 60) : text.slice(Math.max(0, pos - 30), pos + 30);
      throw new SourceError({
        source: options.source,
        kind: 'malformed',
        url,
        body: plainExcerpt(text),
        message:
          `${options.source} answered with malformed JSON (${url})` +
          (pos === null ? '' : ` at character ${pos}`) +
          `: ${(e as Error).message}; near ${JSON.stringify(near)}`
      });
    }
  }

  /** One request, bounded in time and size, with the failure said in the service's name. */
  async fetch(
    url: string,
    options: RequestOptions
  ): Promise<{ bytes: Uint8Array; contentType: string; status: number }> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const maxBytes = options.maxBytes ?? this.maxBytes;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const outer = options.signal;
    const onAbort = () => controller.abort();
    outer?.addEventListener('abort', onAbort);
    const fail = (kind: SourceErrorKind, message: string, extra: Partial<SourceErrorDetail> = {}) =>
      new SourceError({ source: options.source, kind, url, message, ...extra });
    const stopped = () =>
      timedOut
        ? fail('timeout', `${options.source} did not answer within ${seconds(timeoutMs)} (${url})`)
        : fail('aborted', `The request to ${options.source} was cancelled (${url})`);
    try {
      if (outer?.aborted) throw stopped();
      let response: Response;
      try {
        response = await this.fetchImpl(this.address(url), {
          method: options.method ?? 'GET',
          body: options.body,
          headers: options.headers,
          signal: controller.signal,
          // The VRE's proxy is this origin (a Jupyter server wants its session); a service gets no cookie.
          credentials: this.proxied(url) ? 'same-origin' : 'omit',
          redirect: 'follow'
        });
      } catch (e) {
        if (controller.signal.aborted) throw stopped();
        throw fail(
          'unreachable',
          this.proxied(url)
            ? `The VRE's proxy could not be reached for ${options.source} (${url}): ${(e as Error).message}`
            : `${options.source} could not be reached (${url}): it is offline, or it refused this page's ` +
                `cross-origin request (no CORS headers); the VRE's proxy avoids the latter`
        );
      }
      const proxyError = response.headers.get('X-Odatis-Proxy-Error');
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        const body = plainExcerpt(text);
        if (proxyError && PROXY_KINDS[proxyError]) {
          let said = body;
          try {
            said = (JSON.parse(text) as { message?: string }).message ?? body;
          } catch {
            // the proxy's own answers are JSON; anything else is shown as text
          }
          throw fail(PROXY_KINDS[proxyError], `${options.source}: ${said}`, {
            status: response.status,
            body
          });
        }
        throw fail(
          'http',
          `${options.source} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} (${url})` +
            (body ? `: ${body}` : ''),
          { status: response.status, body }
        );
      }
      // A compressed answer's Content-Length counts the compressed bytes, not those read here.
      const declared = response.headers.get('Content-Encoding')
        ? NaN
        : Number(response.headers.get('Content-Length') ?? NaN);
      const total = Number.isFinite(declared) ? declared : null;
      const tooLarge = (n: number) =>
        fail(
          'too-large',
          `${options.source} answered more than ${maxBytes.toLocaleString('en')} bytes (${n.toLocaleString('en')}${total === null ? '+' : ''}) for ${url}; narrow the request`
        );
      if (total !== null && total > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge(total);
      }
      const chunks: Uint8Array[] = [];
      let received = 0;
      options.onProgress?.(0, total);
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          let step: Awaited<ReturnType<typeof reader.read>>;
          try {
            step = await reader.read();
          } catch (e) {
            if (controller.signal.aborted) throw stopped();
            throw fail(
              'unreachable',
              `The answer of ${options.source} was cut off after ${received} bytes (${url}): ${(e as Error).message}`
            );
          }
          if (step.done) break;
          if (
            options.headBytes !== undefined &&
            received + step.value.length >= options.headBytes
          ) {
            chunks.push(step.value.subarray(0, options.headBytes - received));
            received = options.headBytes;
            await reader.cancel().catch(() => undefined);
            options.onProgress?.(received, total);
            break;
          }
          received += step.value.length;
          if (received > maxBytes) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge(received);
          }
          chunks.push(step.value);
          options.onProgress?.(received, total);
        }
      }
      if (total !== null && received < total && options.headBytes === undefined) {
        throw fail(
          'unreachable',
          `The answer of ${options.source} was cut off: ${received} of ${total} bytes (${url})`
        );
      }
      const bytes = new Uint8Array(received);
      let offset = 0;
      for (const c of chunks) {
        bytes.set(c, offset);
        offset += c.length;
      }
      return {
        bytes,
        contentType: response.headers.get('Content-Type') ?? '',
        status: response.status
      };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }
}
