"""The shared data's files by URL, with HTTP range requests: `{base_url}odatis-vre/files/<path>`.

The browser's query engine (DuckDB-WASM) reads the harmonised dataset's database file in place: a `HEAD`
for its length, then `Range` requests for the pages a query needs. jupyter_server's own `/files/` reads
a whole file for every request and answers no ranges, so a stock JupyterLab serves the shared data here,
as the embedded server does (packages/app/scripts/serve.js):

- `GET` and `HEAD` only (read-only), `Range: bytes=…` answered `206` with `Content-Range`, an unsatisfiable
  range `416`, `Accept-Ranges: bytes` and `Content-Length` always (tornado's StaticFileHandler), an ETag from
  the file's size and modification time (never a hash of a gigabyte file);
- `<path>` is a contents path (relative to the server root, as the file browser shows it) that must lie in
  the shared folder once every symbolic link is resolved: anything else is `404`, whether it exists or not;
- what it serves cannot script the server's origin: `Content-Security-Policy: sandbox …` and `nosniff`;
- a Jupyter API: only an authenticated user (token or login cookie).
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from . import deployment

#: URL of the route, under the server's base URL (published in the page config as `dataFilesUrl`).
ENDPOINT = deployment.DATA_FILES_ENDPOINT

#: The embedded server's DATA_POLICY (packages/app/scripts/serve.js).
DATA_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class SharedFileHandler(JupyterHandler, web.StaticFileHandler):
    """A file of the shared folder, whole or by ranges."""

    def initialize(self, root: str, shared: str) -> None:  # type: ignore[override]
        web.StaticFileHandler.initialize(self, path=root)
        self.shared = os.path.realpath(shared)

    @property
    def content_security_policy(self) -> str:
        return DATA_POLICY

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("X-Content-Type-Options", "nosniff")

    def get_login_url(self) -> str:
        # Like a Jupyter API: an unauthenticated request is refused, not sent to the login page.
        raise web.HTTPError(403)

    @web.authenticated
    def head(self, path: str) -> None:  # type: ignore[override]
        return self.get(path, include_body=False)

    @web.authenticated
    def get(self, path: str, include_body: bool = True):  # type: ignore[override]
        return web.StaticFileHandler.get(self, path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        real = os.path.realpath(absolute_path)
        if not (real == self.shared or real.startswith(self.shared + os.sep)) or not os.path.isfile(real):
            raise web.HTTPError(404)
        return real

    def compute_etag(self) -> str | None:
        stat = os.stat(self.absolute_path)
        return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(
            f"{status_code}: not a file of the shared data\n" if status_code == 404 else f"{status_code}\n"
        )


def handlers(root: Path, shared: Path) -> list[tuple]:
    return [(f"{ENDPOINT}/(.*)", SharedFileHandler, {"root": str(root), "shared": str(shared)})]
