import { Base64ModelFactory } from '@jupyterlab/docregistry';
import type { Contents } from '@jupyterlab/services';

/**
 * The document model of files opened in a SQL workspace: it loads nothing into the page (its file format
 * is null, so JupyterLab fetches no content). The query engine reads the file itself, in its worker, from
 * the file's download URL: a file of hundreds of megabytes is never held as a string on the page.
 */
export class UnloadedFileModelFactory extends Base64ModelFactory {
  static readonly NAME = 'odatis-vre-unloaded';

  get name(): string {
    return UnloadedFileModelFactory.NAME;
  }

  get fileFormat(): Contents.FileFormat {
    return null;
  }
}
