/**
 * A kernel worker's API started as the browser starts it: the page's `SessionHost` on the other end of a real
 * comlink MessageChannel, in the page's language (`trans`, English by default).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import { catalogueMessages, type Messages } from '@odatis-vre/harmonised';
import type { QueryEngine } from '@odatis-vre/query';
import { QueryableFiles } from '@odatis-vre/services';
import { SessionHost } from '../src/host';
import type { NeoWorkerApi } from '../src/protocol';
import { createWorkerApi } from '../src/worker-core';

/** The ports the started workers use; the suite closes them when it ends. */
export const openPorts: MessagePort[] = [];

export async function startWorker(engine: QueryEngine, trans?: Messages): Promise<NeoWorkerApi> {
  const host = new SessionHost({
    engine,
    harmonised: null,
    files: new QueryableFiles({
      engine,
      read: async p => Promise.reject(new Error(`no file ${p} in this test`)),
      lastModified: async () => null
    }),
    location: '',
    exists: async () => false,
    trans
  });
  const channel = new MessageChannel();
  openPorts.push(channel.port1, channel.port2);
  expose(host, channel.port1 as unknown as Parameters<typeof expose>[1]);
  const api = createWorkerApi(() => undefined);
  await api.start(channel.port2);
  return api;
}

/** The French catalogue the VRE ships, as the page's translator applies it. */
export function frenchMessages(): Messages {
  const file = path.resolve(
    __dirname,
    '../../../python/odatis_vre/locale/fr_FR/LC_MESSAGES/odatis_vre.json'
  );
  const catalogue = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return catalogueMessages(
    Object.fromEntries(
      Object.entries(catalogue)
        .filter(([msgid]) => msgid !== '')
        .map(([msgid, forms]) => [msgid, (forms as string[])[0]])
    )
  );
}
