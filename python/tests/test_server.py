"""The installed wheel in a real `jupyter lab`: extensions listed, settings published, writes refused.

Needs odatis-vre installed from its wheel in this Python environment (the stock-JupyterLab test
phase, test/stock/run.js, does it), since what is tested is what `pip install` put in place.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TOKEN = "odatis-vre-test-token"
REPO = Path(__file__).resolve().parents[2]
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", autouse=True)
def installed_from_the_wheel():
    config = Path(sys.prefix, "etc", "jupyter", "jupyter_server_config.d", "odatis_vre.json")
    if not config.is_file():
        pytest.fail(
            f"odatis-vre is not installed from its wheel in {sys.prefix} ({config} is missing): "
            "run these tests through `npm run test:stock`, which builds and installs the wheel."
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A `jupyter lab` on a free port, configured the way a deployment would: a config file."""
    root = tmp_path_factory.mktemp("root")
    (root / "data" / "odatis" / "phytobs").mkdir(parents=True)
    (root / "data" / "odatis" / "phytobs" / "counts.csv").write_text("date;value\n")
    config_dir = tmp_path_factory.mktemp("config")
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"OdatisVreApp": {"shared_data_dir": "data/odatis", "examples_dir": "lessons"}})
    )
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir)}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}", "--allow-root",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"jupyter lab did not start:\n{process.stdout.read()}")
            time.sleep(0.3)
    yield url, root
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def request(url: str, method: str = "GET", body: dict | None = None, token: str | None = TOKEN):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


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
