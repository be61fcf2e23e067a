/**
 * The NEO kernel's worker, started in a process of its own. A dedicated worker shares its page's process:
 * in Chromium, a worker whose JavaScript heap runs out of memory ends that process, and with it the
 * notebook's tab. This worker is started by a sandboxed iframe (no `allow-same-origin`: an opaque origin),
 * which Chromium isolates in another process; when that process ends, the page stays and the kernel learns
 * it from the frame's silence (no heartbeat answer) and restarts.
 *
 * It looks like a `Worker` to the kernel: `postMessage`, `message` and `error` events, `terminate()`.
 */
export interface IsolatedWorkerOptions {
  /** The frame's script (the bundler's URL of `@odatis-vre/kernel/lib/isolation-frame.js`). */
  frameScriptUrl: string | URL;
  /** How often the frame is asked whether it lives (ms, default 1000). */
  heartbeatMs?: number;
  /** How long an unanswered heartbeat may wait before the frame is taken for dead (ms, default 5000). */
  deadAfterMs?: number;
  /** How long the frame may take to load (ms, default 60 s). */
  loadTimeoutMs?: number;
}

/** The message of the `error` event when the frame's process ended (the browser's out-of-memory kill). */
export const ISOLATED_WORKER_LOST =
  "Out of memory: the browser ended the process of the kernel's worker";

type FrameMessage = { neoFrame?: 'ready' | 'pong' };

export class IsolatedWorker extends EventTarget {
  /**
   * @param scriptUrl The worker's script: `new URL('@odatis-vre/kernel/lib/worker.js', import.meta.url)`,
   * written in the call so that the bundler, told that `IsolatedWorker` starts workers, bundles it as one.
   */
  constructor(scriptUrl: string | URL, options: IsolatedWorkerOptions) {
    super();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.addEventListener('message', event => {
      const data = event.data as { neoFrameError?: string };
      if (typeof data?.neoFrameError === 'string') {
        event.stopImmediatePropagation();
        this.fail(data.neoFrameError);
      }
    });
    this.port.start();

    const frame = document.createElement('iframe');
    frame.sandbox.add('allow-scripts');
    frame.hidden = true;
    frame.className = 'neo-kernel-frame';
    frame.title = 'NEO kernel';
    const html = `<!doctype html><meta charset="utf-8"><script src="${new URL(options.frameScriptUrl, document.baseURI).href}"></script>`;
    this.frameUrl = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    frame.src = this.frameUrl;
    this.frame = frame;

    const heartbeatMs = options.heartbeatMs ?? 1000;
    const deadAfterMs = options.deadAfterMs ?? 5000;
    const loadTimeout = setTimeout(
      () => this.fail("the kernel's isolation frame did not load"),
      options.loadTimeoutMs ?? 60_000
    );
    this.onFrameMessage = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow) return;
      const data = event.data as FrameMessage;
      if (data?.neoFrame === 'ready') {
        clearTimeout(loadTimeout);
        frame.contentWindow!.postMessage(
          { neoFrame: 'start', workerUrl: new URL(scriptUrl, document.baseURI).href },
          '*',
          [channel.port2]
        );
        this.heartbeat = setInterval(() => this.beat(deadAfterMs), heartbeatMs);
      } else if (data?.neoFrame === 'pong') {
        this.pingSentAt = null;
      }
    };
    window.addEventListener('message', this.onFrameMessage);
    document.body.appendChild(frame);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions
  ): void {
    if (type === 'message' && listener) {
      this.port.addEventListener(type, listener, options);
    } else {
      super.addEventListener(type, listener, options);
    }
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions
  ): void {
    if (type === 'message' && listener) {
      this.port.removeEventListener(type, listener, options);
    } else {
      super.removeEventListener(type, listener, options);
    }
  }

  /** Stop the worker: its frame, and so its process, goes. */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    clearInterval(this.heartbeat);
    window.removeEventListener('message', this.onFrameMessage);
    this.port.close();
    this.frame.remove();
    URL.revokeObjectURL(this.frameUrl);
  }

  /** Ask the frame whether it lives; a question unanswered for `deadAfterMs` means its process ended. */
  private beat(deadAfterMs: number): void {
    if (this.pingSentAt !== null) {
      // Timers of a hidden tab are slowed down: only the time since the question counts.
      if (performance.now() - this.pingSentAt > deadAfterMs) {
        this.fail(ISOLATED_WORKER_LOST);
      }
      return;
    }
    this.pingSentAt = performance.now();
    this.frame.contentWindow?.postMessage({ neoFrame: 'ping' }, '*');
  }

  private fail(message: string): void {
    if (this.terminated) return;
    this.dispatchEvent(new ErrorEvent('error', { message, cancelable: true }));
    this.terminate();
  }

  private readonly port: MessagePort;
  private readonly frame: HTMLIFrameElement;
  private readonly frameUrl: string;
  private readonly onFrameMessage: (event: MessageEvent) => void;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private pingSentAt: number | null = null;
  private terminated = false;
}
