"""What the tests of the installed wheel share: a real `jupyter lab` and requests to it."""

from __future__ import annotations

import contextlib
import json
import os
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"{what} did not start:\n{output}")
            time.sleep(0.3)


@contextlib.contextmanager
def running(process: subprocess.Popen):
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def jupyter_lab(root: Path, config_dir: Path, config: dict, env: dict | None = None):
    """A `jupyter lab` on a free port, configured the way a deployment would: a config file.
    Yields its URL."""
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}", "--allow-root",
        ],
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    with running(process):
        wait_for(f"{url}/api/status?token={TOKEN}", process, "jupyter lab")
        yield url


@pytest.fixture(scope="session", autouse=True)
def installed_from_the_wheel():
    config = Path(sys.prefix, "etc", "jupyter", "jupyter_server_config.d", "odatis_vre.json")
    if not config.is_file():
        pytest.fail(
            f"odatis-vre is not installed from its wheel in {sys.prefix} ({config} is missing): "
            "run these tests through `npm run test:stock`, which builds and installs the wheel."
        )


def request(
    url: str,
    method: str = "GET",
    body: dict | bytes | None = None,
    token: str | None = TOKEN,
    headers: dict | None = None,
):
    """(status, text) of a request; `token` authenticates it like a script would."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"token {token}"
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
