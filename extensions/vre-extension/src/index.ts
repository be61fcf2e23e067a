import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { PageConfig, PathExt, URLExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { CATALOG_FILE, type Catalog } from '@odatis-vre/harmonised';
import { IHarmonisedDataset, parseCatalog } from '@odatis-vre/services';
import {
  fillParameters,
  freeName,
  SHARED_HARMONISED,
  SYNTHETIC_HARMONISED,
  templateById,
  TEMPLATES,
  TEMPLATES_FOLDER,
  type NotebookContent,
  type TemplateValues
} from '@odatis-vre/templates';
import {
  AboutBody,
  AboutInfo,
  Deployment,
  DEPLOYMENT_PAGE_CONFIG_KEY,
  folderSetting,
  parseDataSources,
  parseDeployment
} from '@odatis-vre/vre';
import odatisSvg from '../style/odatis.svg';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VRE_VERSION } = require('../package.json');

const PLUGIN_ID = '@odatis-vre/vre-extension:plugin';

export namespace CommandIDs {
  export const about = 'odatis-vre:about';
  export const openSharedData = 'odatis-vre:open-shared-data';
  export const openGettingStarted = 'odatis-vre:open-getting-started';
  export const newNeoNotebook = 'odatis-vre:new-neo-notebook';
  export const openTemplate = 'odatis-vre:open-template';
}

/** The NEO kernel's name (registered by @odatis-vre/kernel-extension). */
const NEO_KERNEL = 'neo';

export const odatisIcon = new LabIcon({ name: 'odatis-vre:logo', svgstr: odatisSvg });

const GETTING_STARTED = 'getting-started.ipynb';

/** The datasets of the shared data, read from its README through the contents service. */
async function readDataSources(app: JupyterFrontEnd, sharedDataPath: string) {
  const readme = PathExt.join(sharedDataPath, 'README.md');
  try {
    const model = await app.serviceManager.contents.get(readme, {
      type: 'file',
      format: 'text',
      content: true
    });
    return { dataSources: parseDataSources(String(model.content)) };
  } catch (reason) {
    return {
      dataSources: [],
      dataSourcesError: `The shared data README (${readme}) could not be read: ${(reason as Error).message ?? reason}`
    };
  }
}

/** Version of a prebuilt extension, read from the package.json the server serves beside it. */
async function servedVersion(name: string): Promise<string> {
  const url = URLExt.join(PageConfig.getOption('fullLabextensionsUrl'), name, 'package.json');
  try {
    const response = await fetch(url);
    return response.ok ? String((await response.json()).version ?? '') : '';
  } catch {
    return '';
  }
}

/**
 * The prebuilt extensions and their versions: the embedded VRE lists versions in the page config,
 * a stock JupyterLab does not, so they are read from each extension's package.json.
 */
async function federatedExtensions(): Promise<{ name: string; version: string }[]> {
  let list: { name: string; version?: string }[] = [];
  try {
    list = JSON.parse(PageConfig.getOption('federated_extensions') || '[]');
  } catch {
    return [];
  }
  return Promise.all(
    list.map(async e => ({ name: e.name, version: e.version ?? (await servedVersion(e.name)) }))
  );
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'ODATIS VRE: NEO workshop launcher section and About dialog.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [
    ILauncher,
    ICommandPalette,
    IDefaultFileBrowser,
    ILabShell,
    ITranslator,
    IHarmonisedDataset
  ],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null,
    labShell: ILabShell | null,
    translator: ITranslator | null,
    harmonised: IHarmonisedDataset | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const settings = await settingRegistry.load(PLUGIN_ID);
    // On a Jupyter server, the deployment says where its shared data and examples are.
    let deployment: Deployment = {};
    try {
      deployment = parseDeployment(PageConfig.getOption(DEPLOYMENT_PAGE_CONFIG_KEY));
    } catch (reason) {
      void showErrorMessage(trans.__('Invalid ODATIS VRE deployment settings'), reason as Error);
    }
    const folder = (key: 'sharedDataPath' | 'examplesPath') =>
      folderSetting(settings.user[key], deployment[key], settings.default(key) as string);
    const sharedDataPath = () => folder('sharedDataPath');
    const examplesPath = () => folder('examplesPath');
    const { commands } = app;

    commands.addCommand(CommandIDs.about, {
      label: trans.__('About ODATIS VRE'),
      caption: trans.__('Versions of the VRE and licences of the shared data'),
      icon: args => (args.isLauncher ? odatisIcon : undefined),
      execute: async () => {
        await app.serviceManager.kernelspecs.ready;
        const specs = app.serviceManager.kernelspecs.specs?.kernelspecs ?? {};
        const info: AboutInfo = {
          vreVersion: VRE_VERSION,
          appName: 'JupyterLab',
          appVersion: app.version,
          kernels: Object.values(specs).map(spec => spec?.display_name ?? ''),
          extensions: await federatedExtensions(),
          sharedDataPath: sharedDataPath(),
          ...(await readDataSources(app, sharedDataPath()))
        };
        await showDialog({
          title: trans.__('About ODATIS VRE'),
          body: new AboutBody(info, trans),
          buttons: [Dialog.okButton({ label: trans.__('Close') })]
        });
        return info;
      }
    });

    commands.addCommand(CommandIDs.openSharedData, {
      label: args =>
        args.isLauncher ? trans.__('Shared data') : trans.__('Open the Shared Data Folder'),
      caption: trans.__('Browse the read-only ODATIS sample data'),
      icon: args => (args.isLauncher ? odatisIcon : undefined),
      isEnabled: () => fileBrowser !== null,
      execute: async () => {
        await fileBrowser!.model.cd(`/${sharedDataPath()}`);
        labShell?.activateById(fileBrowser!.id);
        return fileBrowser!.model.path;
      }
    });

    commands.addCommand(CommandIDs.openGettingStarted, {
      label: trans.__('Getting started'),
      caption: trans.__('A copy of the NEO getting-started notebook, in your own folder'),
      icon: args => (args.isLauncher ? odatisIcon : undefined),
      execute: async () => {
        const contents = app.serviceManager.contents;
        const source = PathExt.join(examplesPath(), GETTING_STARTED);
        try {
          const target = await contents.copy(source, '');
          return commands.execute('docmanager:open', { path: target.path });
        } catch (reason) {
          await showErrorMessage(
            trans.__('Cannot open the getting-started notebook'),
            reason as Error
          );
          return undefined;
        }
      }
    });

    /** The harmonised datasets the templates can run on: the shared one, and the training set when there is one. */
    const sharedHarmonised = () => harmonised?.path ?? SHARED_HARMONISED;
    const dataFolders = async (): Promise<string[]> => {
      const folders = [sharedHarmonised()];
      if (SYNTHETIC_HARMONISED !== folders[0]) {
        try {
          await app.serviceManager.contents.get(PathExt.join(SYNTHETIC_HARMONISED, CATALOG_FILE), {
            content: false
          });
          folders.push(SYNTHETIC_HARMONISED);
        } catch {
          // no synthetic training set in this deployment
        }
      }
      return folders;
    };
    /** A folder's catalogue: the harmonised dataset's own once read, else its catalog.json. */
    const loadCatalog = async (dataFolder: string): Promise<Catalog> => {
      if (dataFolder === harmonised?.path && harmonised.catalog) return harmonised.catalog;
      const file = PathExt.join(dataFolder, CATALOG_FILE);
      let text: string;
      try {
        const model = await app.serviceManager.contents.get(file, {
          type: 'file',
          format: 'text',
          content: true
        });
        text = String(model.content);
      } catch (reason) {
        throw new Error(
          trans.__('The catalogue %1 could not be read: %2', file, (reason as Error).message)
        );
      }
      return parseCatalog(text, file);
    };

    commands.addCommand(CommandIDs.openTemplate, {
      label: args => {
        const spec = templateById(String(args.id));
        return spec ? trans.__(spec.title) : trans.__('NEO workshop template');
      },
      caption: args => {
        const spec = templateById(String(args.id));
        return spec
          ? trans.__('%1 A copy in your folder, run on the NEO kernel.', trans.__(spec.description))
          : '';
      },
      icon: args => (args.isLauncher ? odatisIcon : undefined),
      execute: async args => {
        const spec = templateById(String(args.id));
        if (!spec) {
          await showErrorMessage(
            trans.__('Cannot open the template'),
            trans.__(
              'There is no NEO workshop template "%1"; the templates are: %2',
              String(args.id),
              TEMPLATES.map(t => t.id).join(', ')
            )
          );
          return undefined;
        }
        const contents = app.serviceManager.contents;
        const source = PathExt.join(examplesPath(), TEMPLATES_FOLDER, spec.file);
        const folder = fileBrowser?.model.path ?? '';
        try {
          // `parameters` (from a script or a test) skip the dialog; `dialog: false` takes the defaults.
          let values = (args.parameters ?? {}) as Partial<TemplateValues>;
          if (args.parameters === undefined && args.dialog !== false) {
            // The dialog (a form with its JSON-schema validator, 0.2 MB) is loaded when first opened.
            const { launchDialog } = await import('@odatis-vre/templates/lib/dialog');
            const chosen = await launchDialog({
              spec,
              folders: await dataFolders(),
              loadCatalog,
              translator: translator ?? nullTranslator
            });
            if (chosen === null) return undefined;
            values = chosen;
          }
          const template = await contents.get(source, { type: 'notebook', content: true });
          const listing = await contents.get(folder, { type: 'directory', content: true });
          const taken = new Set<string>(
            (listing.content as { name: string }[]).map(entry => entry.name)
          );
          const path = PathExt.join(folder, freeName(spec.file, taken));
          const copy = fillParameters(template.content as NotebookContent, spec, values);
          await contents.save(path, { type: 'notebook', format: 'json', content: copy });
          const widget = (await commands.execute('docmanager:open', {
            path,
            kernel: { name: NEO_KERNEL }
          })) as { context?: { sessionContext: { ready: Promise<void> } } } | undefined;
          if (args.run !== false && widget?.context) {
            await widget.context.sessionContext.ready;
            await commands.execute('notebook:run-all-cells');
          }
          return path;
        } catch (reason) {
          await showErrorMessage(trans.__('Cannot open the template %1', source), reason as Error);
          return undefined;
        }
      }
    });

    const hasNeoKernel = () =>
      Boolean(app.serviceManager.kernelspecs.specs?.kernelspecs[NEO_KERNEL]);
    commands.addCommand(CommandIDs.newNeoNotebook, {
      label: args => (args.isLauncher ? trans.__('NEO notebook') : trans.__('New NEO Notebook')),
      caption: trans.__(
        'A notebook on the NEO kernel: SQL on the shared data, JavaScript or TypeScript, niche analyses and charts'
      ),
      icon: args => (args.isLauncher ? odatisIcon : undefined),
      isEnabled: hasNeoKernel,
      execute: () =>
        commands.execute('notebook:create-new', {
          kernelName: NEO_KERNEL,
          cwd: fileBrowser?.model.path ?? ''
        })
    });
    // The launcher asks isEnabled when it draws: draw again once the kernel has registered its spec.
    app.serviceManager.kernelspecs.specsChanged.connect(() =>
      commands.notifyCommandChanged(CommandIDs.newNeoNotebook)
    );

    if (launcher) {
      const args = { isLauncher: true };
      // The SQL workspace's card joins the same section: both translate the same msgid.
      const category = trans.__('NEO workshop');
      // The section comes first, above Notebook (JupyterLab's rank 0), Console and Other: on a small
      // laptop's screen (1024×700) it showed below the fold, and the workshop is what the VRE is opened for.
      const categoryRank = -1;
      launcher.add({
        command: CommandIDs.openGettingStarted,
        category,
        categoryRank,
        rank: 1,
        args
      });
      launcher.add({
        command: CommandIDs.newNeoNotebook,
        category,
        categoryRank,
        rank: 1.5,
        args
      });
      TEMPLATES.forEach((spec, k) =>
        launcher.add({
          command: CommandIDs.openTemplate,
          category,
          categoryRank,
          rank: 1.6 + k / 100,
          args: { ...args, id: spec.id }
        })
      );
      launcher.add({
        command: CommandIDs.openSharedData,
        category,
        categoryRank,
        rank: 2,
        args
      });
      // About comes last in the section, after the workshop's tools.
      launcher.add({ command: CommandIDs.about, category, categoryRank, rank: 100, args });
    }
    if (palette) {
      const category = trans.__('ODATIS VRE');
      [
        CommandIDs.about,
        CommandIDs.openSharedData,
        CommandIDs.openGettingStarted,
        CommandIDs.newNeoNotebook
      ].forEach(command => palette.addItem({ command, category }));
      TEMPLATES.forEach(spec =>
        palette.addItem({ command: CommandIDs.openTemplate, category, args: { id: spec.id } })
      );
    }
  }
};

export default plugin;
