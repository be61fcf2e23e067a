"""The read-only guard on jupyter_server's own file contents managers (sync and async), on real files."""

from __future__ import annotations

import asyncio
import inspect
import os
from pathlib import Path

import pytest
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager, LargeFileManager
from tornado import web

from odatis_vre import readonly

CSV = b"date;value\n01/02/2020;3.5\n"


def run(value):
    """The value of a manager call, awaited when the manager is asynchronous."""
    return asyncio.run(_await(value)) if inspect.isawaitable(value) else value


async def _await(value):
    return await value


@pytest.fixture(params=[LargeFileManager, AsyncLargeFileManager], ids=["sync", "async"])
def manager(request, tmp_path: Path):
    (tmp_path / "shared" / "phytobs").mkdir(parents=True)
    (tmp_path / "shared" / "phytobs" / "counts.csv").write_bytes(CSV)
    (tmp_path / "shared" / "README.md").write_text("# Shared data\n")
    (tmp_path / "mine.txt").write_text("my notes\n")
    cm = readonly.guarded(request.param)(root_dir=str(tmp_path))
    readonly.configure(cm, ["/shared/"])
    return cm


def refusal(call) -> str:
    with pytest.raises(web.HTTPError) as raised:
        run(call())
    assert raised.value.status_code == 403
    return raised.value.log_message


def text_model(content: str) -> dict:
    return {"type": "file", "format": "text", "content": content}


def test_normalise_spells_each_path_one_way():
    assert readonly.normalise("/shared//phytobs/../README.md") == "shared/README.md"
    assert readonly.normalise("shared/") == "shared"
    assert readonly.normalise("") == ""
    assert readonly.normalise("/") == ""
    assert readonly.normalise("../../shared") == "shared"


def test_guarded_is_a_subclass_made_once():
    cls = readonly.guarded(AsyncLargeFileManager)
    assert issubclass(cls, AsyncLargeFileManager)
    assert cls is readonly.guarded(AsyncLargeFileManager)
    assert readonly.guarded(cls) is cls
    assert cls.__name__ == "ReadOnlyFoldersAsyncLargeFileManager"


def test_save_into_shared_is_refused_with_a_message_and_writes_nothing(manager, tmp_path):
    message = refusal(lambda: manager.save(text_model("x"), "shared/phytobs/notes.txt"))
    assert message == (
        'Cannot save "shared/phytobs/notes.txt": "shared/" is read-only shared data. '
        "Copy the file to your own folder first (right-click → Copy, then Paste outside it)."
    )
    assert not (tmp_path / "shared" / "phytobs" / "notes.txt").exists()
    refusal(lambda: manager.save(text_model("overwritten"), "shared/phytobs/counts.csv"))
    assert (tmp_path / "shared" / "phytobs" / "counts.csv").read_bytes() == CSV


def test_every_kind_of_change_inside_shared_is_refused(manager, tmp_path):
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert "create a file in" in refusal(lambda: manager.new_untitled("shared/phytobs", type="file"))
    assert "create a folder in" in refusal(lambda: manager.new_untitled("shared", type="directory"))
    assert 'save "shared/new.txt"' in refusal(lambda: manager.new(text_model("x"), "shared/new.txt"))
    assert "copy into" in refusal(lambda: manager.copy("mine.txt", "shared"))
    assert "copy into" in refusal(lambda: manager.copy("shared/README.md"))
    assert "delete" in refusal(lambda: manager.delete("shared/phytobs/counts.csv"))
    assert "delete" in refusal(lambda: manager.delete("shared"))
    assert "move or rename" in refusal(lambda: manager.rename("shared/README.md", "README.md"))
    assert "move or rename" in refusal(lambda: manager.rename("shared", "mine"))
    assert "move a file into" in refusal(lambda: manager.rename("mine.txt", "shared/mine.txt"))
    assert "checkpoint" in refusal(lambda: manager.create_checkpoint("shared/README.md"))
    # Other spellings of the same place are the same place.
    assert '"shared/x.txt"' in refusal(lambda: manager.save(text_model("x"), "/home/../shared/x.txt"))
    after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert after == before


def test_a_symbolic_link_does_not_open_a_way_in(manager, tmp_path):
    os.symlink(tmp_path / "shared" / "phytobs", tmp_path / "link")
    message = refusal(lambda: manager.save(text_model("x"), "link/notes.txt"))
    assert '"shared/" is read-only' in message
    assert not (tmp_path / "shared" / "phytobs" / "notes.txt").exists()


def test_a_folder_holding_the_shared_data_cannot_be_deleted_or_moved(tmp_path):
    (tmp_path / "data" / "odatis").mkdir(parents=True)
    cm = readonly.guarded(AsyncLargeFileManager)(root_dir=str(tmp_path))
    readonly.configure(cm, ["data/odatis"])
    assert 'it holds "data/odatis/"' in refusal(lambda: cm.delete("data"))
    assert 'it holds "data/odatis/"' in refusal(lambda: cm.rename("data", "elsewhere"))
    run(cm.save(text_model("fine"), "data/notes.txt"))
    assert (tmp_path / "data" / "notes.txt").read_text() == "fine"


def test_the_user_folder_stays_writable(manager, tmp_path):
    run(manager.save(text_model("changed\n"), "mine.txt"))
    assert (tmp_path / "mine.txt").read_text() == "changed\n"
    copy = run(manager.copy("shared/phytobs/counts.csv", ""))
    assert copy["path"] == "counts.csv"
    assert copy["writable"] is True
    assert (tmp_path / "counts.csv").read_bytes() == CSV
    run(manager.rename("counts.csv", "kept.csv"))
    run(manager.delete("kept.csv"))
    assert not (tmp_path / "kept.csv").exists()


def test_listings_show_shared_files_as_not_writable(manager):
    root = run(manager.get(""))
    writable = {child["name"]: child["writable"] for child in root["content"]}
    assert writable == {"shared": False, "mine.txt": True}
    listing = run(manager.get("shared/phytobs"))
    assert listing["writable"] is False
    assert [(c["name"], c["writable"]) for c in listing["content"]] == [("counts.csv", False)]
    model = run(manager.get("shared/README.md"))
    assert (model["content"], model["writable"]) == ("# Shared data\n", False)


def test_configure_refuses_an_unguarded_manager_and_the_root(tmp_path):
    with pytest.raises(TypeError, match="has no read-only guard"):
        readonly.configure(AsyncLargeFileManager(root_dir=str(tmp_path)), ["shared"])
    cm = readonly.guarded(AsyncLargeFileManager)(root_dir=str(tmp_path))
    with pytest.raises(ValueError, match="server root"):
        readonly.configure(cm, ["/"])
