"""The extension's settings: defaults that follow the shared folder, and the guard wrapped or not."""

from __future__ import annotations

from jupyter_server.serverapp import ServerApp
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from traitlets.config import Config

from odatis_vre import readonly
from odatis_vre.app import OdatisVreApp


def app(**settings) -> OdatisVreApp:
    return OdatisVreApp(config=Config({"OdatisVreApp": settings}))


def test_the_defaults_follow_the_shared_folder():
    settings = app(shared_data_dir="/data/odatis/").deployment()
    assert settings.shared_data_dir == "data/odatis"
    assert settings.harmonised_dir == "data/odatis/harmonised"
    assert settings.examples_dir == "examples"
    assert settings.read_only_folders == ("data/odatis",)
    assert settings.to_json()["readOnlyPaths"] == ["data/odatis"]


def test_explicit_settings_win():
    settings = app(
        harmonised_dir="big/harmonised", read_only_dirs=["shared", "examples/"]
    ).deployment()
    assert settings.harmonised_dir == "big/harmonised"
    assert settings.read_only_folders == ("examples", "shared")


def test_linking_wraps_the_contents_manager_class_unless_the_guard_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))  # no user config
    server = ServerApp(contents_manager_class=AsyncLargeFileManager)
    app()._link_jupyter_server_extension(server)
    assert server.contents_manager_class is readonly.guarded(AsyncLargeFileManager)

    server = ServerApp(contents_manager_class=AsyncLargeFileManager)
    app(read_only_dirs=[])._link_jupyter_server_extension(server)
    assert server.contents_manager_class is AsyncLargeFileManager
