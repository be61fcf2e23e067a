"""The odatis_vre Jupyter server extension: its configuration, and the wiring of its modules.

Configure it like any Jupyter application, e.g. in `jupyter_server_config.py`:

    c.OdatisVreApp.shared_data_dir = "shared"            # where the shared data is mounted
    c.OdatisVreApp.harmonised_dir = "shared/harmonised"  # its harmonised dataset
    c.OdatisVreApp.read_only_dirs = ["shared", "examples"]

or on the command line: `jupyter lab --OdatisVreApp.shared_data_dir=data/odatis`.
Each concern is its own module (the deployment's settings, the read-only guard, the data browser's
proxy); a new one adds its handlers in :meth:`OdatisVreApp.initialize_handlers`.
"""

from __future__ import annotations

from jupyter_core.paths import jupyter_path
from jupyter_server.extension.application import ExtensionApp
from traitlets import List, Unicode, default

from . import __version__, deployment, proxy, readonly


class OdatisVreApp(ExtensionApp):
    name = "odatis_vre"
    description = "ODATIS VRE: the deployment's shared data settings, its read-only guard and the data browser's proxy."
    # Serves no page of its own: JupyterLab (or Notebook) stays the application.
    load_other_extensions = True

    shared_data_dir = Unicode(
        "shared",
        help="Folder, relative to the server root, where the shared ODATIS data is mounted.",
    ).tag(config=True)

    harmonised_dir = Unicode(
        help="Folder, relative to the server root, of the harmonised dataset of the shared data "
        "(catalog.json and parquet/sno=…/site=…/year=…). Default: <shared_data_dir>/harmonised.",
    ).tag(config=True)

    examples_dir = Unicode(
        "examples",
        help="Folder, relative to the server root, of the NEO workshop notebooks.",
    ).tag(config=True)

    read_only_dirs = List(
        Unicode(),
        help="Folders, relative to the server root, that no one may change through the server: "
        "saves, uploads, new files, moves and deletes inside them are refused. "
        "Default: [<shared_data_dir>]; [] turns the guard off.",
    ).tag(config=True)

    proxy_hosts = List(
        Unicode(),
        help="Hosts (`name` or `name:port`) the data browser's proxy may forward to, besides the "
        "catalogues the installed extensions configure by default and ODATIS_VRE_PROXY_HOSTS.",
    ).tag(config=True)

    @default("harmonised_dir")
    def _harmonised_dir_default(self) -> str:
        return f"{readonly.normalise(self.shared_data_dir)}/harmonised"

    @default("read_only_dirs")
    def _read_only_dirs_default(self) -> list[str]:
        return [self.shared_data_dir]

    def _link_jupyter_server_extension(self, serverapp) -> None:
        super()._link_jupyter_server_extension(serverapp)
        # The contents manager is created after extensions are linked: it is created guarded.
        if self.read_only_dirs:
            serverapp.contents_manager_class = readonly.guarded(serverapp.contents_manager_class)

    def deployment(self) -> deployment.Deployment:
        return deployment.Deployment(
            version=__version__,
            shared_data_dir=readonly.normalise(self.shared_data_dir),
            harmonised_dir=readonly.normalise(self.harmonised_dir),
            examples_dir=readonly.normalise(self.examples_dir),
            read_only_folders=tuple(sorted({readonly.normalise(d) for d in self.read_only_dirs})),
        )

    def initialize_settings(self) -> None:
        settings = self.deployment()
        if settings.read_only_folders:
            readonly.configure(self.serverapp.contents_manager, settings.read_only_folders)
            self.log.info(
                "odatis_vre: read-only through the contents API: %s",
                ", ".join(f"{f}/" for f in settings.read_only_folders),
            )
        deployment.publish(self.serverapp.web_app.settings, settings)
        self._settings = settings

    def initialize_handlers(self) -> None:
        self.handlers.extend(deployment.handlers(self._settings))
        allow = proxy.Proxy.for_server(jupyter_path("labextensions"), self.proxy_hosts)
        self.log.info(
            "odatis_vre: the data browser's proxy forwards to %s", ", ".join(allow.hosts) or "no host"
        )
        self.handlers.extend(proxy.handlers(allow))
