"""The odatis_vre Jupyter server extension: its configuration, and the wiring of its modules.

Configure it like any Jupyter application, e.g. in `jupyter_server_config.py`:

    c.OdatisVreApp.shared_data_dir = "shared"            # where the shared data is mounted
    c.OdatisVreApp.harmonised_dir = "shared/harmonised"  # its harmonised dataset
    c.OdatisVreApp.read_only_dirs = ["shared", "examples"]

or on the command line: `jupyter lab --OdatisVreApp.shared_data_dir=data/odatis`.
Each concern is its own module (the deployment's settings, the read-only guard, the data browser's
proxy, the shared files by range requests, the server engine); a new one adds its handlers in
:meth:`OdatisVreApp.initialize_handlers`.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Int, List, Unicode, default

from . import __version__, deployment, files, proxy, query, readonly

#: The server engine's limits by default: the embedded server's environment variables and defaults.
_QUERY_ENV = query.env_settings()


class OdatisVreApp(ExtensionApp):
    name = "odatis_vre"
    description = (
        "ODATIS VRE: the deployment's shared data settings, its read-only guard, the data browser's proxy, "
        "the shared data by range requests and the server engine (native DuckDB next to the data)."
    )
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

    query_server = Bool(
        _QUERY_ENV["enabled"],
        help="Serve the server engine (native DuckDB next to the data) at {base_url}odatis-vre/query/. "
        "Default: on, unless ODATIS_VRE_QUERY_SERVER=0.",
    ).tag(config=True)

    query_timeout_s = Float(
        _QUERY_ENV["timeout_s"],
        help="Seconds a query of the server engine may run before it is stopped (ODATIS_VRE_QUERY_TIMEOUT_S, 120).",
    ).tag(config=True)

    query_memory_limit = Unicode(
        _QUERY_ENV["memory_limit"],
        help="DuckDB's memory limit for the server engine's queries together (ODATIS_VRE_QUERY_MEMORY, 1GB).",
    ).tag(config=True)

    query_max_concurrent = Int(
        _QUERY_ENV["max_concurrent"],
        help="Queries the server engine runs at once (ODATIS_VRE_QUERY_CONCURRENCY, 2).",
    ).tag(config=True)

    query_max_queued = Int(
        _QUERY_ENV["max_queued"],
        help="Queries that may wait for a free slot; beyond, the answer is busy (ODATIS_VRE_QUERY_QUEUE, 8).",
    ).tag(config=True)

    query_threads = Int(
        _QUERY_ENV["threads"] or 0,
        help="DuckDB's threads for the server engine (ODATIS_VRE_QUERY_THREADS); 0: DuckDB's choice.",
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
        root = Path(self.serverapp.root_dir)
        self.handlers.extend(files.handlers(root, root / self._settings.shared_data_dir))
        if self.query_server:
            service = self.query_service(root)
            if service:
                self.handlers.extend(query.handlers(service))

    def query_service(self, root: Path) -> query.QueryService | None:
        """The server engine, fenced to the shared data and the user's root; None (saying why) when it
        cannot start: the browser engine still answers."""
        settings = query.Settings(
            root=root,
            readable=[
                query.Readable(root / self._settings.shared_data_dir, self._settings.shared_data_dir),
                query.Readable(root, "your folder"),
            ],
            harmonised=root / self._settings.harmonised_dir,
            timeout_s=self.query_timeout_s,
            memory_limit=self.query_memory_limit,
            max_concurrent=self.query_max_concurrent,
            max_queued=self.query_max_queued,
            threads=self.query_threads or None,
        )
        try:
            service = query.QueryService(settings)
        except Exception as error:  # a broken dataset or setting must not stop the Jupyter server
            self.log.warning("odatis_vre: the server engine is off: it could not start (%s)", error)
            return None
        self._query_service = service
        self.log.info(
            "odatis_vre: the server engine (DuckDB %s) reads %s; %s",
            service.version,
            ", ".join(f.label for f in settings.readable),
            ", ".join(f"{r['name']}: {r['rows']} rows ({r['source']})" for r in service.relations) or "no dataset",
        )
        return service

    async def stop_extension(self) -> None:
        service = getattr(self, "_query_service", None)
        if service:
            service.close()
