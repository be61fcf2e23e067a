/**
 * The deployment's settings. On a Jupyter server, the `odatis_vre` server extension publishes where
 * the shared data, its harmonised dataset and the examples live (configured once, by the deployment:
 * `c.OdatisVreApp.shared_data_dir = …`) in the page config under `odatisVre`. The extensions take
 * them as the defaults of their own settings; a value a user sets still wins.
 */

/** The page-config key under which the server extension publishes the settings. */
export const DEPLOYMENT_PAGE_CONFIG_KEY = 'odatisVre';

/** Contents paths (relative to the server root, `/`-separated) of a deployment. */
export interface Deployment {
  sharedDataPath?: string;
  harmonisedPath?: string;
  examplesPath?: string;
  /** Folders no one may change through the server (the shared data). */
  readOnlyPaths?: string[];
  /** Version of the server extension. */
  version?: string;
  /**
   * URL path, under the server's base URL, of the files of `sharedDataPath` served with HTTP range requests
   * (`odatis-vre/files`, by path relative to the server root); jupyter_server's `files/` answers whole files.
   */
  dataFilesUrl?: string;
}

/**
 * The deployment from the page-config value (`PageConfig.getOption` gives an object as JSON text).
 * No value — the embedded VRE, a server without the extension — is no deployment setting; a value
 * that is not what the extension writes is an error that says so.
 */
export function parseDeployment(raw: string | undefined | null): Deployment {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new Error(
      `The page config "${DEPLOYMENT_PAGE_CONFIG_KEY}" is not JSON (${(error as Error).message}): ${raw.slice(0, 80)}`
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `The page config "${DEPLOYMENT_PAGE_CONFIG_KEY}" should be an object, found ${raw.slice(0, 80)}`
    );
  }
  const record = value as Record<string, unknown>;
  const deployment: Deployment = {};
  for (const key of [
    'sharedDataPath',
    'harmonisedPath',
    'examplesPath',
    'version',
    'dataFilesUrl'
  ] as const) {
    const item = record[key];
    if (item === undefined) continue;
    if (typeof item !== 'string') {
      throw new Error(
        `The page config "${DEPLOYMENT_PAGE_CONFIG_KEY}.${key}" should be a string, found ${JSON.stringify(item)}`
      );
    }
    deployment[key] = item;
  }
  const readOnly = record.readOnlyPaths;
  if (readOnly !== undefined) {
    if (!Array.isArray(readOnly) || readOnly.some(p => typeof p !== 'string')) {
      throw new Error(
        `The page config "${DEPLOYMENT_PAGE_CONFIG_KEY}.readOnlyPaths" should be a list of paths, found ${JSON.stringify(readOnly)}`
      );
    }
    deployment.readOnlyPaths = readOnly as string[];
  }
  return deployment;
}

/**
 * The deployment for an extension that is not the one reporting problems: a malformed value is
 * no deployment setting here (the vre-extension shows the error once).
 */
export function deploymentOrNone(raw: string | undefined | null): Deployment {
  try {
    return parseDeployment(raw);
  } catch {
    return {};
  }
}

/**
 * A folder setting: what the user set in the settings editor, else what the deployment set on the
 * server, else the setting's default.
 */
export function folderSetting(
  userValue: unknown,
  deploymentValue: string | undefined,
  defaultValue: string
): string {
  if (typeof userValue === 'string') return userValue;
  return deploymentValue ?? defaultValue;
}

/**
 * The URL path (under the server's base URL) of a file or folder by its contents path: the deployment's
 * range-capable route for the shared data (what DuckDB-WASM reads in place needs HTTP range requests), else
 * the server's `files/`.
 */
export function fileUrlPath(deployment: Deployment, path: string): string {
  const clean = path.replace(/^\/+/, '');
  const shared = deployment.sharedDataPath?.replace(/^\/+|\/+$/g, '');
  if (deployment.dataFilesUrl && shared && (clean === shared || clean.startsWith(`${shared}/`))) {
    return `${deployment.dataFilesUrl.replace(/\/+$/, '')}/${clean}`;
  }
  return `files/${clean}`;
}
