"""What the tests of the installed wheel share: a real `jupyter lab` and requests to it."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TOKEN = "odatis-vre-test-token"
REPO = Path(__file__).resolve().parents[2]


def _port_range() -> list[int]:
    """ODATIS_VRE_PYTEST_PORTS (`8743-8746`: four): the ports these tests may serve on, on a machine shared
    by several people; unset, the system picks free ones."""
    spec = os.environ.get("ODATIS_VRE_PYTEST_PORTS", "").strip()
    if not spec:
        return []
    low, _, high = spec.partition("-")
    return list(range(int(low), int(high or low) + 1))


_PORTS = _port_range()


def free_port() -> int:
    """A port nothing listens on: the next free one of ODATIS_VRE_PYTEST_PORTS, or one the system picks."""
    while _PORTS:
        port = _PORTS.pop(0)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if os.environ.get("ODATIS_VRE_PYTEST_PORTS"):
        pytest.fail(f"No free port left in ODATIS_VRE_PYTEST_PORTS={os.environ['ODATIS_VRE_PYTEST_PORTS']}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str, seconds: float = 90, log: Path | None = None) -> None:
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
                output = process.stdout.read() if process.stdout else log.read_text() if log else ""
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
def jupyter_lab(
    root: Path, config_dir: Path, config: dict, env: dict | None = None, app: str = "lab", cwd: Path | None = None
):
    """A `jupyter lab` (or `jupyter server`: `app`) on a free port, configured the way a deployment would:
    a config file. Runs in `cwd` (default: here). Yields its URL."""
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    port = free_port()
    # Its log goes to a file: a pipe nobody reads would fill up and stop the server.
    log = config_dir / "server.log"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", app, "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}", "--allow-root",
        ],
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir), **(env or {})},
        cwd=cwd,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    with running(process):
        wait_for(f"{url}/api/status?token={TOKEN}", process, f"jupyter {app}", log=log)
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


#: Limits of the proxy of the `lab` server, small enough for the catalogue test server to exceed.
PROXY_MAX_BYTES = 100_000
PROXY_TIMEOUT_MS = 3_000
# An allowed host whose name resolves nowhere (RFC 2606 reserves .invalid).
NOWHERE = "catalogue.odatis-vre.invalid"


@pytest.fixture(scope="session")
def catalogue():
    """The catalogue test server (packages/catalog/testing/server.js), on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(REPO / "packages" / "catalog" / "testing" / "server.js"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    with running(process):
        wait_for(f"{url}/datacite/dois", process, "the catalogue test server")
        yield url


class _Streamer(http.server.BaseHTTPRequestHandler):
    """`GET /chunked/<n>`: n bytes of CSV-ish text, chunked, with no Content-Length up front."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server spelling
        match = re.fullmatch(r"/chunked/(\d+)", self.path)
        if not match:
            self.send_error(404)
            return
        remaining = int(match.group(1))
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        line = b"2024-01-01,12.5\n" * 1024
        while remaining > 0:
            chunk = line[: min(len(line), remaining)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            remaining -= len(chunk)
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def streamer():
    """A service that streams its answers chunked, without saying their length first."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Streamer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, catalogue, streamer):
    """One `jupyter lab` for the tests of the installed wheel, configured as a deployment would: the
    shared data in data/odatis, the examples in lessons/; its proxy may also forward to the catalogue
    server and to a closed port."""
    root = tmp_path_factory.mktemp("root")
    (root / "data" / "odatis" / "phytobs").mkdir(parents=True)
    (root / "data" / "odatis" / "phytobs" / "counts.csv").write_text("date;value\n")
    closed = f"127.0.0.1:{free_port()}"
    env = {
        "ODATIS_VRE_PROXY_HOSTS": ",".join(
            [catalogue.removeprefix("http://"), streamer.removeprefix("http://"), closed, NOWHERE]
        ),
        "ODATIS_VRE_PROXY_MAX_BYTES": str(PROXY_MAX_BYTES),
        "ODATIS_VRE_PROXY_TIMEOUT_MS": str(PROXY_TIMEOUT_MS),
    }
    config = {
        "OdatisVreApp": {
            "shared_data_dir": "data/odatis",
            "examples_dir": "lessons",
            "proxy_hosts": ["data.example.org"],
        }
    }
    with jupyter_lab(root, tmp_path_factory.mktemp("config"), config, env) as url:
        yield {"url": url, "root": root, "proxy": f"{url}/odatis-vre/proxy", "closed": closed}
