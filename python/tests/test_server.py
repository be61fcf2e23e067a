"""The installed wheel in a real `jupyter lab`: extensions listed, settings published, writes refused.

Needs odatis-vre installed from its wheel in this Python environment (the stock-JupyterLab test
phase, test/stock/run.js, does it), since what is tested is what `pip install` put in place.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO, request

#: Every JupyterLab extension of the repository: the wheel carries them all.
EXTENSIONS = sorted(
    package["name"]
    for package in (json.loads(p.read_text()) for p in REPO.glob("extensions/*/package.json"))
    if (package.get("jupyterlab") or {}).get("extension")
)


def jupyter(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupyter", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def plain(text: str) -> str:
    """Terminal output without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="module")
def server(lab):
    return lab["url"], lab["root"]


def test_labextension_list_shows_the_prebuilt_extensions_enabled_and_ok():
    assert {"@odatis-vre/vre-extension", "@odatis-vre/sql-extension"} <= set(EXTENSIONS), EXTENSIONS
    listing = jupyter("labextension", "list")
    assert listing.returncode == 0, listing.stderr
    output = plain(listing.stdout + listing.stderr)
    for name in EXTENSIONS:
        assert re.search(rf"{re.escape(name)} v\d+\.\d+\.\d+ enabled\s+OK \(python, odatis-vre\)", output), output


def test_server_extension_list_shows_odatis_vre_enabled_and_ok():
    listing = jupyter("server", "extension", "list")
    output = plain(listing.stdout + listing.stderr)
    assert re.search(r"odatis_vre enabled", output), output
    assert re.search(r"odatis_vre \d+\.\d+\.\d+\S* OK", output), output


def test_the_deployment_settings_come_from_the_server_config(server):
    url, _ = server
    status, body = request(f"{url}/odatis-vre/api/deployment")
    assert status == 200
    settings = json.loads(body)
    assert settings["sharedDataPath"] == "data/odatis"
    assert settings["harmonisedPath"] == "data/odatis/harmonised"
    assert settings["examplesPath"] == "lessons"
    assert settings["readOnlyPaths"] == ["data/odatis"]
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", settings["version"])
    assert request(f"{url}/odatis-vre/api/deployment", token=None)[0] == 403


def test_the_lab_page_carries_the_settings_in_its_page_config(server):
    url, _ = server
    status, html = request(f"{url}/lab")
    assert status == 200
    config = json.loads(
        re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert config["odatisVre"]["sharedDataPath"] == "data/odatis"
    names = [e["name"] for e in config["federated_extensions"]]
    assert set(EXTENSIONS) <= set(names)
    # The offline defaults shipped in overrides.d: no news feed and no update check.
    status, body = request(f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert status == 200
    schema = json.loads(body)["schema"]["properties"]
    assert schema["fetchNews"]["default"] == "false"
    assert schema["checkForUpdates"]["default"] is False


def test_the_contents_api_refuses_writes_into_the_shared_folder(server):
    url, root = server
    model = {"type": "file", "format": "text", "content": "x"}
    status, body = request(f"{url}/api/contents/data/odatis/phytobs/notes.txt", "PUT", model)
    assert status == 403
    assert json.loads(body)["message"].startswith(
        'Cannot save "data/odatis/phytobs/notes.txt": "data/odatis/" is read-only shared data.'
    )
    assert not (root / "data" / "odatis" / "phytobs" / "notes.txt").exists()
    assert request(f"{url}/api/contents/data/odatis/phytobs/counts.csv", "DELETE")[0] == 403
    assert (root / "data" / "odatis" / "phytobs" / "counts.csv").exists()
    assert request(f"{url}/api/contents/data", "DELETE")[0] == 403
    # Other spellings of the same path: refused by the guard, or not routed at all — never written.
    for spelling in ["%64ata/odatis/x.txt", "data%2Fodatis%2Fx.txt"]:
        status, body = request(f"{url}/api/contents/{spelling}", "PUT", model)
        assert status == 403, spelling
        assert json.loads(body)["message"].startswith('Cannot save "data/odatis/x.txt"'), body
    for spelling in ["data//odatis/x.txt", "data/./odatis/x.txt", "lessons/../data/odatis/x.txt"]:
        status, _ = request(f"{url}/api/contents/{spelling}", "PUT", model)
        assert status in (403, 404), (spelling, status)
    assert not (root / "data" / "odatis" / "x.txt").exists()

    status, body = request(f"{url}/api/contents/data/odatis")
    assert status == 200 and json.loads(body)["writable"] is False
    status, _ = request(f"{url}/api/contents/notes.txt", "PUT", model)
    assert status == 201
    assert (root / "notes.txt").read_text() == "x"
