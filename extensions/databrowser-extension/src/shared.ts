/**
 * The shared data as the data browser reads it: the harmonised catalogue and README through the
 * contents service, source files through the server's `files/` route. When the data services are
 * there, the catalogue is theirs (`IHarmonisedDataset.readCatalog`: one read for the whole session).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig, PathExt, URLExt } from '@jupyterlab/coreutils';
import type { Catalog } from '@odatis-vre/harmonised';

export interface SharedData {
  catalog(): Promise<Catalog>;
  /** The shared data's README (Markdown), or null when there is none. */
  readme(): Promise<string | null>;
  /** Bytes of one source file of the shared data, by name. */
  sourceFile(name: string): Promise<Uint8Array>;
}

export function contentsSharedData(
  app: JupyterFrontEnd,
  paths: () => { shared: string; harmonised: string }
): SharedData {
  const contents = app.serviceManager.contents;
  const text = async (path: string) =>
    String((await contents.get(path, { type: 'file', format: 'text', content: true })).content);
  let located: Promise<Map<string, string>> | null = null;
  /** Where each file of the shared folders is (source files are named, not placed, in the catalogue). */
  const locate = () =>
    (located ??= (async () => {
      const found = new Map<string, string>();
      const walk = async (dir: string, depth: number): Promise<void> => {
        const listing = await contents.get(dir, { content: true });
        for (const item of (listing.content ?? []) as {
          name: string;
          path: string;
          type: string;
        }[]) {
          if (item.type === 'directory' && depth < 2) await walk(item.path, depth + 1);
          else if (item.type !== 'directory' && !found.has(item.name))
            found.set(item.name, item.path);
        }
      };
      await walk(paths().shared, 0);
      return found;
    })());
  return {
    async catalog() {
      const path = PathExt.join(paths().harmonised, 'catalog.json');
      try {
        return JSON.parse(await text(path)) as Catalog;
      } catch (e) {
        throw new Error(
          `The shared data's catalogue (${path}) could not be read: ${(e as Error).message}`
        );
      }
    },
    async readme() {
      try {
        return await text(PathExt.join(paths().shared, 'README.md'));
      } catch {
        return null;
      }
    },
    async sourceFile(name) {
      const path = (await locate()).get(name);
      if (!path) throw new Error(`${name} is not in the shared data folder (${paths().shared})`);
      const url = URLExt.join(
        PageConfig.getBaseUrl(),
        'files',
        ...path.split('/').map(encodeURIComponent)
      );
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`${path}: the server answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
  };
}
