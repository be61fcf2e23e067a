/**
 * The NEO kernel as JupyterLite runs it: a `BaseKernel` on the page that speaks the Jupyter protocol and
 * drives the kernel's Web Worker. The worker runs the cells; the page lends it the session's services
 * (`SessionHost`) over a MessagePort.
 *
 * Interrupt: queries of the kernel are cancelled and the worker is told to stop the running cell. A cell
 * that cannot hear it (a busy loop) is stopped by replacing the worker after a grace period; the cell then
 * reports that the kernel's variables are gone. A worker that dies (out of memory, crash) is replaced the
 * same way. The notebook page itself never blocks; with an `IsolatedWorker`, a worker that runs out of
 * memory does not take the page's process with it either.
 *
 * What the page shows (errors, the banner) goes through the translation bundle it is given.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { BaseKernel, type IKernel } from '@jupyterlite/services';
import { expose, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import type { SessionHost } from './host';
import {
  isWorkerOutputMessage,
  type ExecuteOutcome,
  type KernelOutput,
  type NeoWorkerApi
} from './protocol';

/** The kernel's worker: a `Worker`, or an `IsolatedWorker` (a worker in a process of its own). */
export interface KernelWorker extends Endpoint {
  terminate(): void;
}

export interface NeoKernelOptions extends IKernel.IOptions {
  /**
   * Start the kernel's worker, e.g. `() => new Worker(new URL('@odatis-vre/kernel/lib/worker.js',
   * import.meta.url))`, or an `IsolatedWorker` of that script.
   */
  createWorker(): KernelWorker;
  /** The session's services, as this kernel may use them. */
  host: SessionHost;
  /** How long a cell may ignore an interrupt before the worker is replaced. Default 2000 ms. */
  interruptGraceMs?: number;
  /** Messages of the page (errors, banner), e.g. `translator.load('odatis_vre')`; default English. */
  trans?: TranslationBundle;
}

/** Why a worker stopped: what the running cell then says (`message`: sentences for the user, translated). */
class Stop extends Error {
  constructor(
    readonly ename: string,
    message: string
  ) {
    super(message);
  }
}

/** One running worker and what the kernel knows of its death. */
interface Connection {
  worker: KernelWorker;
  api: Remote<NeoWorkerApi>;
  started: Promise<void>;
  /** Rejects with the `Stop` when the worker dies or is replaced. */
  dead: Promise<never>;
  kill(stop: Stop): void;
  isDead: boolean;
}

export const NEO_KERNEL_VERSION = '0.1.0';

export class NeoKernel extends BaseKernel {
  constructor(options: NeoKernelOptions) {
    super(options);
    this.options = options;
    this.trans = options.trans ?? nullTranslator.load('odatis_vre');
    this.connection = this.connect();
  }

  get ready(): Promise<void> {
    return this.connection.started;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.options.host.cancel();
    this.connection.kill(this.restarted(this.trans.__('The NEO kernel was shut down.')));
    super.dispose();
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg['content']> {
    return {
      implementation: 'neo',
      implementation_version: NEO_KERNEL_VERSION,
      language_info: {
        name: 'typescript',
        version: 'ES2022',
        mimetype: 'text/typescript',
        file_extension: '.ts',
        codemirror_mode: { name: 'javascript', typescript: true },
        nbconvert_exporter: 'script',
        pygments_lexer: 'typescript'
      },
      protocol_version: '5.3',
      status: 'ok',
      // The magic is an argument: gettext reads a `%%` of the msgid as `%`.
      banner: this.trans.__(
        'NEO kernel: %1 cells on the shared DuckDB engine (%2), JavaScript and TypeScript cells, ' +
          'the niche analyses and plots as `neo` (in a Web Worker of your browser).',
        '%%sql',
        this.trans.__(this.options.host.engine().label)
      ),
      help_links: []
    };
  }

  async executeRequest(
    content: KernelMessage.IExecuteRequestMsg['content']
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    const count = this.executionCount;
    const connection = await this.liveConnection();
    let forced!: (outcome: ExecuteOutcome) => void;
    const interrupted = new Promise<ExecuteOutcome>(resolve => (forced = resolve));
    this.running = { connection, force: forced };
    let outcome: ExecuteOutcome;
    try {
      outcome = await Promise.race([
        connection.api.execute(content.code, count),
        interrupted,
        connection.dead.catch((stop: Stop): ExecuteOutcome => errorOutcome(stop))
      ]);
    } catch (e) {
      outcome = errorOutcome(
        this.restarted(
          this.trans.__(
            "The NEO kernel's worker failed (%1) and was restarted.",
            String((e as Error)?.message ?? e)
          )
        )
      );
    } finally {
      this.running = null;
      if (connection.isDead && !this.isDisposed) {
        // The cell already says that the kernel was restarted: start the new worker now.
        this.connection = this.connect();
      }
    }
    if (outcome.status === 'ok') {
      if (outcome.result) {
        this.publishExecuteResult({
          execution_count: count,
          ...outcome.result
        } as KernelMessage.IExecuteResultMsg['content']);
      }
      return { status: 'ok', execution_count: count, user_expressions: {} };
    }
    const { ename, evalue, traceback } = outcome;
    this.publishExecuteError({ ename, evalue, traceback });
    return { status: 'error', execution_count: count, ename, evalue, traceback };
  }

  async completeRequest(
    content: KernelMessage.ICompleteRequestMsg['content']
  ): Promise<KernelMessage.ICompleteReplyMsg['content']> {
    const connection = await this.liveConnection();
    const reply = await Promise.race([
      connection.api.complete(content.code, content.cursor_pos),
      connection.dead
    ]);
    return { status: 'ok', ...reply } as KernelMessage.ICompleteReplyMsg['content'];
  }

  async inspectRequest(
    content: KernelMessage.IInspectRequestMsg['content']
  ): Promise<KernelMessage.IInspectReplyMsg['content']> {
    const connection = await this.liveConnection();
    const reply = await Promise.race([
      connection.api.inspect(content.code, content.cursor_pos, content.detail_level),
      connection.dead
    ]);
    return { status: 'ok', ...reply } as KernelMessage.IInspectReplyMsg['content'];
  }

  async isCompleteRequest(
    content: KernelMessage.IIsCompleteRequestMsg['content']
  ): Promise<KernelMessage.IIsCompleteReplyMsg['content']> {
    const connection = await this.liveConnection();
    const reply = await Promise.race([connection.api.isComplete(content.code), connection.dead]);
    return reply as KernelMessage.IIsCompleteReplyMsg['content'];
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg['content']> {
    return { status: 'ok', comms: {} };
  }

  inputReply(): void {
    // The NEO kernel never asks for input.
  }

  async commOpen(): Promise<void> {
    // No comms.
  }

  async commMsg(): Promise<void> {
    // No comms.
  }

  async commClose(): Promise<void> {
    // No comms.
  }

  /**
   * Stop the running cell (Kernel → Interrupt). Called by the kernel client, since JupyterLite's own
   * interrupt only cancels the cells still queued.
   */
  interrupt(): void {
    this.options.host.cancel();
    const running = this.running;
    if (!running) {
      return;
    }
    void running.connection.api.interrupt().catch(() => undefined);
    const grace = this.options.interruptGraceMs ?? 2000;
    setTimeout(() => {
      if (this.running === running && !running.connection.isDead) {
        const stop = this.restarted(
          this.trans.__(
            'The cell did not stop when interrupted (a loop that never waits), so the kernel was restarted.'
          ),
          'KeyboardInterrupt'
        );
        running.connection.kill(stop);
        running.force(errorOutcome(stop));
      }
    }, grace);
  }

  // ---- the worker ----

  /** The current worker, or a new one if it died (the user is told in the cell's output). */
  private async liveConnection(): Promise<Connection> {
    if (this.connection.isDead && !this.isDisposed) {
      this.connection = this.connect();
      this.stream({
        name: 'stderr',
        text:
          this.trans.__(
            'The NEO kernel was restarted: variables defined before are gone; run the cells above again.'
          ) + '\n'
      });
    }
    await this.connection.started;
    return this.connection;
  }

  private connect(): Connection {
    const worker = this.options.createWorker();
    const api = wrap<NeoWorkerApi>(worker);
    let kill!: (stop: Stop) => void;
    const connection: Connection = {
      worker,
      api,
      started: Promise.resolve(),
      dead: new Promise<never>((_, reject) => {
        kill = stop => {
          if (connection.isDead) return;
          connection.isDead = true;
          reject(stop);
          api[releaseProxy]();
          worker.terminate();
        };
      }),
      kill: stop => kill(stop),
      isDead: false
    };
    connection.dead.catch(() => undefined);
    worker.addEventListener('message', (event: Event) => {
      const data = (event as MessageEvent).data;
      if (isWorkerOutputMessage(data)) {
        this.publishOutput(data.neoOutput);
      }
    });
    // An uncaught error in the worker's own scope (a failed load, an out-of-memory abort), or the end of
    // an isolated worker's process: the worker is not trusted any more.
    worker.addEventListener('error', (event: Event) => {
      event.preventDefault();
      const message = (event as ErrorEvent).message ?? '';
      connection.kill(
        outOfMemory(message)
          ? this.restarted(
              this.trans.__(
                'The NEO kernel ran out of memory and was restarted; variables are lost: run the cells above again. ' +
                  'Work on fewer rows: filter or aggregate in %1 before bringing a result into JavaScript.',
                '%%sql'
              ),
              'KernelOutOfMemory',
              false
            )
          : this.restarted(
              this.trans.__(
                "The NEO kernel's worker stopped (%1) and was restarted.",
                message || this.trans.__('an error in the worker')
              )
            )
      );
    });
    const channel = new MessageChannel();
    expose(this.options.host, channel.port1);
    connection.started = Promise.race([
      api.start(transfer(channel.port2, [channel.port2])),
      connection.dead
    ]);
    connection.started.catch(() => undefined);
    return connection;
  }

  private publishOutput(output: KernelOutput): void {
    if (output.type === 'stream') {
      this.stream({ name: output.name, text: output.text });
    } else {
      this.displayData({
        data: output.data,
        metadata: output.metadata
      } as KernelMessage.IDisplayDataMsg['content']);
    }
  }

  /** A stop that restarts the kernel: `evalue` says it, and that the variables are gone. */
  private restarted(sentence: string, ename = 'KernelRestarted', addVariables = true): Stop {
    return new Stop(
      ename,
      addVariables
        ? `${sentence} ${this.trans.__('Variables defined before are gone: run the cells above again.')}`
        : sentence
    );
  }

  private readonly options: NeoKernelOptions;
  private readonly trans: TranslationBundle;
  private connection: Connection;
  private running: { connection: Connection; force: (outcome: ExecuteOutcome) => void } | null =
    null;
}

function outOfMemory(message: string | undefined): boolean {
  return /out of memory|allocation failed|Array buffer allocation|heap limit/i.test(message ?? '');
}

function errorOutcome({ ename, message: evalue }: Stop): ExecuteOutcome {
  return {
    status: 'error',
    ename,
    evalue,
    traceback: [`\u001b[0;31m${ename}\u001b[0m: ${evalue}`]
  };
}
