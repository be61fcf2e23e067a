/**
 * In-browser kernels next to a Jupyter server's kernels, for a stock JupyterLab ≥ 4.4 (whose service
 * managers are plugins). Each manager keeps two of JupyterLab's own: one talking to the server, one to
 * JupyterLite's in-browser kernel client, and sends each request to the one that owns the kernel or
 * session: a kernel is in-browser when its spec name is registered in `IKernelSpecs`, or when it was
 * started by the in-browser manager.
 */
import {
  BaseManager,
  KernelManager,
  KernelSpecManager,
  ServerConnection,
  SessionManager,
  type Kernel,
  type KernelSpec,
  type Session
} from '@jupyterlab/services';
import {
  LiteKernelSpecClient,
  LiteSessionClient,
  type IKernelClient,
  type IKernelSpecs,
  type LiteKernelClient
} from '@jupyterlite/services';
import { Signal, type ISignal } from '@lumino/signaling';
import { WebSocket } from 'mock-socket';

export interface HybridOptions {
  serverSettings?: ServerConnection.ISettings;
  /** The in-browser kernel specs (JupyterLite's registry). */
  kernelSpecs: IKernelSpecs;
}

/** Settings for managers of in-browser kernels: their "websockets" are JupyterLite's in-page sockets. */
function inBrowserSettings(
  serverSettings?: ServerConnection.ISettings
): ServerConnection.ISettings {
  return {
    ...ServerConnection.makeSettings(),
    ...serverSettings,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket
  };
}

/** Kernel specs of the server and of the browser, as one list (the launcher shows both). */
export class HybridKernelSpecManager extends BaseManager implements KernelSpec.IManager {
  constructor(options: HybridOptions) {
    super({ serverSettings: options.serverSettings });
    this.server = new KernelSpecManager({ serverSettings: options.serverSettings });
    this.browser = new KernelSpecManager({
      serverSettings: options.serverSettings,
      kernelSpecAPIClient: new LiteKernelSpecClient({
        kernelSpecs: options.kernelSpecs,
        serverSettings: options.serverSettings
      })
    });
    this.server.connectionFailure.connect((_, error) => this._connectionFailure.emit(error));
    this.server.specsChanged.connect(() => this.merge());
    this.browser.specsChanged.connect(() => this.merge());
    // In-browser kernels register their specs as their plugins activate, after this manager exists.
    options.kernelSpecs.changed.connect(() => void this.browser.refreshSpecs());
    this._ready = Promise.allSettled([this.server.ready, this.browser.ready]).then(() => {
      this.merge();
      this._isReady = true;
    });
  }

  get connectionFailure(): ISignal<this, Error> {
    return this._connectionFailure;
  }

  get isReady(): boolean {
    return this._isReady;
  }

  get ready(): Promise<void> {
    return this._ready;
  }

  get specs(): KernelSpec.ISpecModels | null {
    return this._specs;
  }

  get specsChanged(): ISignal<this, KernelSpec.ISpecModels> {
    return this._specsChanged;
  }

  async refreshSpecs(): Promise<void> {
    await Promise.allSettled([this.server.refreshSpecs(), this.browser.refreshSpecs()]);
    this.merge();
  }

  dispose(): void {
    this.server.dispose();
    this.browser.dispose();
    super.dispose();
  }

  private merge(): void {
    const server = this.server.specs;
    const browser = this.browser.specs;
    if (!server && !browser) {
      return;
    }
    this._specs = {
      // The server's default kernel stays the default (a notebook without a kernel gets Python, say).
      default: server?.default || browser?.default || '',
      kernelspecs: { ...browser?.kernelspecs, ...server?.kernelspecs }
    };
    this._specsChanged.emit(this._specs);
  }

  private readonly server: KernelSpecManager;
  private readonly browser: KernelSpecManager;
  private _specs: KernelSpec.ISpecModels | null = null;
  private _isReady = false;
  private readonly _ready: Promise<void>;
  private readonly _specsChanged = new Signal<this, KernelSpec.ISpecModels>(this);
  private readonly _connectionFailure = new Signal<this, Error>(this);
}

/** Two managers and the rule that tells whose a kernel (or session) is. */
abstract class Pair<M extends { runningChanged: ISignal<unknown, T[]> }, T> extends BaseManager {
  constructor(
    serverSettings: ServerConnection.ISettings | undefined,
    protected readonly server: M,
    protected readonly browser: M
  ) {
    super({ serverSettings });
    const forward = () => this._runningChanged.emit([...this.running()]);
    server.runningChanged.connect(forward);
    browser.runningChanged.connect(forward);
  }

  abstract running(): IterableIterator<T>;

  get runningChanged(): ISignal<this, T[]> {
    return this._runningChanged;
  }

  get connectionFailure(): ISignal<this, ServerConnection.NetworkError> {
    return this._connectionFailure;
  }

  protected readonly _runningChanged = new Signal<this, T[]>(this);
  protected readonly _connectionFailure = new Signal<this, ServerConnection.NetworkError>(this);
}

export interface HybridKernelManagerOptions extends HybridOptions {
  /** JupyterLite's client of in-browser kernels. */
  kernelClient: IKernelClient;
}

export class HybridKernelManager
  extends Pair<Kernel.IManager, Kernel.IModel>
  implements Kernel.IManager
{
  constructor(options: HybridKernelManagerOptions) {
    super(
      options.serverSettings,
      new KernelManager({ serverSettings: options.serverSettings }),
      new KernelManager({
        serverSettings: inBrowserSettings(options.serverSettings),
        kernelAPIClient: options.kernelClient,
        kernelSpecAPIClient: new LiteKernelSpecClient({
          kernelSpecs: options.kernelSpecs,
          serverSettings: options.serverSettings
        })
      })
    );
    this.kernelSpecs = options.kernelSpecs;
    this.server.connectionFailure.connect((_, error) => this._connectionFailure.emit(error));
  }

  get isReady(): boolean {
    return this.server.isReady && this.browser.isReady;
  }

  get ready(): Promise<void> {
    return Promise.all([this.server.ready, this.browser.ready]).then(() => undefined);
  }

  get runningCount(): number {
    return [...this.running()].length;
  }

  *running(): IterableIterator<Kernel.IModel> {
    yield* this.server.running();
    yield* this.browser.running();
  }

  async refreshRunning(): Promise<void> {
    await Promise.all([this.server.refreshRunning(), this.browser.refreshRunning()]);
  }

  startNew(
    createOptions: Kernel.IKernelOptions = {},
    connectOptions: Omit<Kernel.IKernelConnection.IOptions, 'model' | 'serverSettings'> = {}
  ): Promise<Kernel.IKernelConnection> {
    return this.ownerOf(createOptions).startNew(createOptions, connectOptions);
  }

  connectTo(options: Kernel.IKernelConnection.IOptions): Kernel.IKernelConnection {
    return this.ownerOf(options.model).connectTo(options);
  }

  async findById(id: string): Promise<Kernel.IModel | undefined> {
    return (await this.browser.findById(id)) ?? this.server.findById(id);
  }

  shutdown(id: string): Promise<void> {
    return this.ownerOf({ id }).shutdown(id);
  }

  async shutdownAll(): Promise<void> {
    await Promise.all([this.server.shutdownAll(), this.browser.shutdownAll()]);
  }

  /** Whether a kernel runs in the browser: by its running id, or by its spec name. */
  isInBrowser(kernel: { id?: string; name?: string }): boolean {
    if (kernel.id !== undefined && [...this.browser.running()].some(k => k.id === kernel.id)) {
      return true;
    }
    return kernel.name !== undefined && Boolean(this.kernelSpecs.specs?.kernelspecs[kernel.name]);
  }

  dispose(): void {
    this.server.dispose();
    this.browser.dispose();
    super.dispose();
  }

  private ownerOf(kernel: { id?: string; name?: string }): Kernel.IManager {
    return this.isInBrowser(kernel) ? this.browser : this.server;
  }

  private readonly kernelSpecs: IKernelSpecs;
}

export interface HybridSessionManagerOptions extends HybridOptions {
  kernelClient: IKernelClient;
  /** The kernel manager of the application (a `HybridKernelManager`). */
  kernelManager: Kernel.IManager;
}

export class HybridSessionManager
  extends Pair<Session.IManager, Session.IModel>
  implements Session.IManager
{
  constructor(options: HybridSessionManagerOptions) {
    const { serverSettings, kernelManager } = options;
    super(
      serverSettings,
      new SessionManager({ serverSettings, kernelManager }),
      new SessionManager({
        serverSettings,
        kernelManager,
        sessionAPIClient: new LiteSessionClient({
          serverSettings,
          kernelClient: options.kernelClient as LiteKernelClient
        })
      })
    );
    this.kernelSpecs = options.kernelSpecs;
    this.server.connectionFailure.connect((_, error) => this._connectionFailure.emit(error));
  }

  get isReady(): boolean {
    return this.server.isReady && this.browser.isReady;
  }

  get ready(): Promise<void> {
    return Promise.all([this.server.ready, this.browser.ready]).then(() => undefined);
  }

  *running(): IterableIterator<Session.IModel> {
    yield* this.server.running();
    yield* this.browser.running();
  }

  async refreshRunning(): Promise<void> {
    await Promise.all([this.server.refreshRunning(), this.browser.refreshRunning()]);
  }

  startNew(
    createOptions: Session.ISessionOptions,
    connectOptions: Omit<
      Session.ISessionConnection.IOptions,
      'model' | 'connectToKernel' | 'serverSettings'
    > = {}
  ): Promise<Session.ISessionConnection> {
    const name = createOptions.kernel?.name;
    const owner = name && this.kernelSpecs.specs?.kernelspecs[name] ? this.browser : this.server;
    return owner.startNew(createOptions, connectOptions);
  }

  connectTo(
    options: Omit<Session.ISessionConnection.IOptions, 'connectToKernel' | 'serverSettings'>
  ): Session.ISessionConnection {
    return this.ownerOf(options.model.id).connectTo(options);
  }

  async findById(id: string): Promise<Session.IModel | undefined> {
    return (await this.browser.findById(id)) ?? this.server.findById(id);
  }

  async findByPath(path: string): Promise<Session.IModel | undefined> {
    return (await this.browser.findByPath(path)) ?? this.server.findByPath(path);
  }

  shutdown(id: string): Promise<void> {
    return this.ownerOf(id).shutdown(id);
  }

  async shutdownAll(): Promise<void> {
    await Promise.all([this.server.shutdownAll(), this.browser.shutdownAll()]);
  }

  async stopIfNeeded(path: string): Promise<void> {
    await Promise.all([this.server.stopIfNeeded(path), this.browser.stopIfNeeded(path)]);
  }

  dispose(): void {
    this.server.dispose();
    this.browser.dispose();
    super.dispose();
  }

  private ownerOf(sessionId: string): Session.IManager {
    return [...this.browser.running()].some(s => s.id === sessionId) ? this.browser : this.server;
  }

  private readonly kernelSpecs: IKernelSpecs;
}
