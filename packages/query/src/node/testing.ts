/**
 * Testing entry of @odatis-vre/query under node (`@odatis-vre/query/lib/node/testing`): a QueryServer over
 * HTTP on a port the system picks, as the tests of the query, services and kernel packages use it. Never
 * imported by the package's other entries.
 */
import * as fs from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CATALOG_FILE, harmonisedLocations, type Catalog } from '@odatis-vre/harmonised';
import type { QueryEngine } from '../engine';
import { QueryServer, type QueryServerOptions } from './server';

/** An HTTP server listening on 127.0.0.1 at a port the system chose. */
export interface Listening {
  readonly http: Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serve `handler` on 127.0.0.1, port 0: the bound port is read back, so parallel runs never collide. */
export async function listen(handler: RequestListener): Promise<Listening> {
  const http = createServer(handler);
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    http,
    port,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      http.closeAllConnections();
      await new Promise(resolve => http.close(resolve));
    }
  };
}

/** Serve a QueryServer's routes (404 for anything else). */
export function listenQueryServer(server: QueryServer): Promise<Listening> {
  return listen((req, res) => {
    if (server.handles(req)) void server.handle(req, res);
    else res.writeHead(404).end();
  });
}

/** A port where nothing answers: bound by the system, then released. */
export async function unusedPort(): Promise<number> {
  const { port, close } = await listen((_req, res) => res.end());
  await close();
  return port;
}

export interface ServedHarmonisedOptions {
  /** Names the scratch folder (`odatis-<name>-…` under the system's temporary folder). */
  name: string;
  /** Writes the harmonised dataset (its catalogue and files) into `folder` (`<root>/shared/harmonised`). */
  write(folder: string): Promise<unknown>;
  /** Server options besides the root, the shared folder and the dataset. */
  server?: Omit<QueryServerOptions, 'root' | 'readable' | 'harmonised'>;
}

/** A scratch root with a harmonised dataset under `shared/harmonised`, served over HTTP by a QueryServer. */
export interface ServedHarmonised extends Listening {
  readonly root: string;
  /** `<root>/shared/harmonised` */
  readonly folder: string;
  readonly catalog: Catalog;
  readonly queryServer: QueryServer;
  /** An engine closed with the server: the test's engines end before the server they may talk to. */
  keep<E extends QueryEngine>(engine: E): E;
}

/**
 * Write a harmonised dataset into a scratch root and serve it (users read `shared/`). `close()` closes the
 * kept engines, the HTTP server, the QueryServer and removes the root.
 */
export async function serveHarmonised(options: ServedHarmonisedOptions): Promise<ServedHarmonised> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `odatis-${options.name}-`));
  const engines: QueryEngine[] = [];
  let queryServer: QueryServer | undefined;
  let listening: Listening | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(engines.map(e => e.close()));
    await listening?.close();
    await queryServer?.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const folder = path.join(root, 'shared', 'harmonised');
    await options.write(folder);
    const catalog = JSON.parse(fs.readFileSync(path.join(folder, CATALOG_FILE), 'utf8')) as Catalog;
    queryServer = await QueryServer.create({
      ...options.server,
      root,
      readable: [{ dir: path.join(root, 'shared'), label: 'shared' }],
      harmonised: harmonisedLocations(catalog, folder)
    });
    listening = await listenQueryServer(queryServer);
    return {
      ...listening,
      root,
      folder,
      catalog,
      queryServer,
      keep: engine => {
        engines.push(engine);
        return engine;
      },
      close
    };
  } catch (e) {
    await close();
    throw e;
  }
}
