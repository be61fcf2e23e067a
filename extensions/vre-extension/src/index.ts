import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { PageConfig, PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { AboutBody, AboutInfo, parseDataSources } from '@odatis-vre/vre';
import odatisSvg from '../style/odatis.svg';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VRE_VERSION } = require('../package.json');

const PLUGIN_ID = '@odatis-vre/vre-extension:plugin';

/** The launcher section of the workshop. */
export const LAUNCHER_CATEGORY = 'NEO workshop';

export namespace CommandIDs {
  export const about = 'odatis-vre:about';
  export const openSharedData = 'odatis-vre:open-shared-data';
  export const openGettingStarted = 'odatis-vre:open-getting-started';
  export const newNeoNotebook = 'odatis-vre:new-neo-notebook';
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

function federatedExtensions(): { name: string; version: string }[] {
  try {
    const list = JSON.parse(PageConfig.getOption('federated_extensions') || '[]') as {
      name: string;
      version?: string;
    }[];
    return list.map(e => ({ name: e.name, version: e.version ?? '' }));
  } catch {
    return [];
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'ODATIS VRE: NEO workshop launcher section and About dialog.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [ILauncher, ICommandPalette, IDefaultFileBrowser, ILabShell, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null,
    labShell: ILabShell | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('odatis_vre');
    const settings = await settingRegistry.load(PLUGIN_ID);
    const sharedDataPath = () => settings.get('sharedDataPath').composite as string;
    const examplesPath = () => settings.get('examplesPath').composite as string;
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
          extensions: federatedExtensions(),
          sharedDataPath: sharedDataPath(),
          ...(await readDataSources(app, sharedDataPath()))
        };
        await showDialog({
          title: trans.__('About ODATIS VRE'),
          body: new AboutBody(info),
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
      launcher.add({
        command: CommandIDs.openGettingStarted,
        category: LAUNCHER_CATEGORY,
        rank: 1,
        args
      });
      launcher.add({
        command: CommandIDs.newNeoNotebook,
        category: LAUNCHER_CATEGORY,
        rank: 1.5,
        args
      });
      launcher.add({
        command: CommandIDs.openSharedData,
        category: LAUNCHER_CATEGORY,
        rank: 2,
        args
      });
      // About comes last in the section, after the workshop's tools.
      launcher.add({ command: CommandIDs.about, category: LAUNCHER_CATEGORY, rank: 100, args });
    }
    if (palette) {
      const category = trans.__('ODATIS VRE');
      [
        CommandIDs.about,
        CommandIDs.openSharedData,
        CommandIDs.openGettingStarted,
        CommandIDs.newNeoNotebook
      ].forEach(command => palette.addItem({ command, category }));
    }
  }
};

export default plugin;
