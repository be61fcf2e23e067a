/**
 * The remote catalogues a deployment configures (base URLs are settings: a site may point at its
 * own GeoNetwork or ERDDAP), built into clients that share one transport.
 */
import type { Messages } from '@odatis-vre/harmonised';
import { ErddapSource } from './erddap';
import { SeanoeSource } from './seanoe';
import { SextantSource } from './sextant';
import type { Transport } from './transport';
import type { CatalogSource } from './types';

export interface RemoteSettings {
  sextant: { enabled: boolean; url: string };
  seanoe: { enabled: boolean; url: string; dataciteUrl: string };
  erddap: { enabled: boolean; url: string };
}

/** The clients of the enabled remote catalogues; `trans` is their notices' language (default English). */
export function remoteSources(
  settings: RemoteSettings,
  transport: Transport,
  trans?: Messages
): CatalogSource[] {
  const sources: CatalogSource[] = [];
  if (settings.sextant.enabled) {
    sources.push(new SextantSource({ url: settings.sextant.url, transport }));
  }
  if (settings.seanoe.enabled) {
    sources.push(
      new SeanoeSource({
        url: settings.seanoe.url,
        dataciteUrl: settings.seanoe.dataciteUrl,
        transport,
        trans
      })
    );
  }
  if (settings.erddap.enabled) {
    sources.push(new ErddapSource({ url: settings.erddap.url, transport, trans }));
  }
  return sources;
}

/** The hosts (host:port) the enabled catalogues live on: what a proxy must allow. */
export function remoteHosts(settings: RemoteSettings): string[] {
  const urls = [
    settings.sextant.enabled ? settings.sextant.url : null,
    settings.seanoe.enabled ? settings.seanoe.url : null,
    settings.seanoe.enabled ? settings.seanoe.dataciteUrl : null,
    settings.erddap.enabled ? settings.erddap.url : null
  ];
  return [...new Set(urls.filter((u): u is string => !!u).map(u => new URL(u).host))];
}
