"""Read-only folders (the shared data) for whatever contents manager the server uses.

File permissions alone do not make a folder read-only: a server running as root (Docker images, CI)
writes anywhere, and a hub may mount the data writable by mistake. The guard refuses, through the
contents API, every change inside a read-only folder — save, upload, new file or folder, copy into,
rename or move in or out, delete, checkpoints — with a message a person can act on, and reports the
folder's files as not writable so that JupyterLab shows them read-only.

It guards the Jupyter contents API only: code running in a kernel or a terminal is bounded by the
file system, so a deployment still mounts the shared data read-only (see docs/jupyterhub.md).
"""

from __future__ import annotations

import functools
import inspect
import os
import posixpath
from collections.abc import Iterable

from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.services.contents.manager import ContentsManager
from tornado import web


def normalise(api_path: str | None) -> str:
    """A contents API path in one spelling: no leading or trailing slash, no `.` or `..` parts;
    `""` is the server root. `"/shared//phytobs/../README.md"` becomes `"shared/README.md"`."""
    return posixpath.normpath("/" + (api_path or "").strip("/")).lstrip("/")


def _inside(path: str, folder: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


class ReadOnlyFoldersGuard:
    """Put in front of a contents manager class (see :func:`guarded`): refuses changes inside
    :attr:`read_only_folders` and marks their files `writable: false`."""

    #: API paths of the read-only folders, normalised; set by the odatis_vre server extension.
    read_only_folders: tuple[str, ...] = ()

    # Which folder holds a path -------------------------------------------------------------

    def read_only_folder_of(self, path: str) -> str | None:
        """The read-only folder that is `path` or holds it; None if `path` may be changed.

        Paths are compared as API paths and, for a file-system manager, as real paths too, so
        that a symbolic link in the user's folder does not open a way into the shared data."""
        api_path = normalise(path)
        for folder in self.read_only_folders:
            if _inside(api_path, folder):
                return folder
        real = self._real_path(api_path)
        if real is not None:
            for folder in self.read_only_folders:
                folder_real = self._real_path(folder)
                if folder_real is not None and (
                    real == folder_real or real.startswith(folder_real.rstrip(os.sep) + os.sep)
                ):
                    return folder
        return None

    def read_only_folder_under(self, path: str) -> str | None:
        """A read-only folder inside `path` (deleting or moving `path` would take it along)."""
        api_path = normalise(path)
        for folder in self.read_only_folders:
            if api_path != folder and _inside(folder, api_path):
                return folder
        return None

    def _real_path(self, api_path: str) -> str | None:
        if not isinstance(self, FileManagerMixin):
            return None
        root = getattr(self, "root_dir", None)
        if not root:
            return None
        return os.path.realpath(os.path.join(root, *[p for p in api_path.split("/") if p]))

    # Refusals ------------------------------------------------------------------------------

    def _refuse_inside(self, path: str, action: str) -> None:
        folder = self.read_only_folder_of(path)
        if folder is not None:
            raise web.HTTPError(
                403,
                f'Cannot {action} "{normalise(path)}": "{folder}/" is read-only shared data. '
                "Copy the file to your own folder first (right-click → Copy, then Paste outside it).",
            )

    def _refuse_holding(self, path: str, action: str) -> None:
        self._refuse_inside(path, action)
        folder = self.read_only_folder_under(path)
        if folder is not None:
            raise web.HTTPError(
                403,
                f'Cannot {action} "{normalise(path)}": it holds "{folder}/", read-only shared data.',
            )

    # The contents API (each method refuses first, then hands over: sync or async alike) -----

    def save(self, model, path=""):
        self._refuse_inside(path, "save")
        return super().save(model, path)

    def new(self, model=None, path=""):
        # An upload or a save as: the user saves a file there.
        self._refuse_inside(path, "save")
        return super().new(model, path)

    def new_untitled(self, path="", type="", ext=""):
        what = "create a folder in" if type == "directory" else "create a file in"
        self._refuse_inside(path, what)
        return super().new_untitled(path=path, type=type, ext=ext)

    def copy(self, from_path, to_path=None):
        target = to_path if to_path is not None else posixpath.dirname(normalise(from_path))
        self._refuse_inside(target, "copy into")
        return super().copy(from_path, to_path)

    def delete(self, path):
        self._refuse_holding(path, "delete")
        return super().delete(path)

    def delete_file(self, path):
        self._refuse_holding(path, "delete")
        return super().delete_file(path)

    def rename(self, old_path, new_path):
        self._refuse_holding(old_path, "move or rename")
        self._refuse_inside(new_path, "move a file into")
        return super().rename(old_path, new_path)

    def rename_file(self, old_path, new_path):
        self._refuse_holding(old_path, "move or rename")
        self._refuse_inside(new_path, "move a file into")
        return super().rename_file(old_path, new_path)

    def create_checkpoint(self, path):
        self._refuse_inside(path, "checkpoint")
        return super().create_checkpoint(path)

    def restore_checkpoint(self, checkpoint_id, path):
        self._refuse_inside(path, "restore a checkpoint of")
        return super().restore_checkpoint(checkpoint_id, path)

    def delete_checkpoint(self, checkpoint_id, path):
        self._refuse_inside(path, "delete a checkpoint of")
        return super().delete_checkpoint(checkpoint_id, path)

    def get(self, path, content=True, type=None, format=None, **kwargs):
        model = super().get(path, content=content, type=type, format=format, **kwargs)
        if inspect.isawaitable(model):
            return self._marked_when_ready(model)
        return self._marked(model)

    async def _marked_when_ready(self, pending):
        return self._marked(await pending)

    def _marked(self, model: dict) -> dict:
        """The model with `writable: false` on itself and its listed children where read-only."""
        if self.read_only_folder_of(model.get("path", "")) is not None:
            model["writable"] = False
        if model.get("type") == "directory" and isinstance(model.get("content"), list):
            for child in model["content"]:
                if self.read_only_folder_of(child.get("path", "")) is not None:
                    child["writable"] = False
        return model


@functools.cache
def guarded(manager_class: type[ContentsManager]) -> type[ContentsManager]:
    """`manager_class` with :class:`ReadOnlyFoldersGuard` in front of it (the class itself when it
    already has the guard). Works for synchronous and asynchronous managers alike."""
    if issubclass(manager_class, ReadOnlyFoldersGuard):
        return manager_class
    return type(
        f"ReadOnlyFolders{manager_class.__name__}",
        (ReadOnlyFoldersGuard, manager_class),
        {
            "__module__": __name__,
            "__doc__": f"{manager_class.__module__}.{manager_class.__qualname__} whose "
            "read_only_folders refuse every change through the contents API.",
        },
    )


def configure(manager: ContentsManager, folders: Iterable[str]) -> tuple[str, ...]:
    """Sets the read-only folders of a guarded manager; returns them normalised.

    Raises TypeError when the manager has no guard (its class was changed after the extension
    wrapped it), so that a deployment asking for read-only shared data never runs without it."""
    normalised = tuple(sorted({normalise(f) for f in folders}))
    if "" in normalised:
        raise ValueError("The server root itself cannot be a read-only folder of odatis_vre.")
    if not isinstance(manager, ReadOnlyFoldersGuard):
        raise TypeError(
            f"The contents manager {type(manager).__module__}.{type(manager).__qualname__} has no "
            "read-only guard: ServerApp.contents_manager_class was changed after odatis_vre "
            f"wrapped it, so {', '.join(normalised)} would be writable."
        )
    manager.read_only_folders = normalised
    return normalised
