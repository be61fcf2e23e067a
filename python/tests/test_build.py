"""The wheel's build hook on a small copy of the repository: what it packs, and how it refuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def project(tmp_path: Path, version: str = "1.2.3", built: str | None = "1.2.3") -> Path:
    """pyproject.toml and python/ of this repository, with one extension (built as `built`, or not)."""
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    shutil.copy(REPO / "LICENSE", tmp_path)
    shutil.copytree(REPO / "python", tmp_path / "python", ignore=shutil.ignore_patterns("__pycache__", "tests"))
    (tmp_path / "package.json").write_text(json.dumps({"name": "odatis-vre", "version": version}))
    ext = tmp_path / "extensions" / "demo-extension"
    ext.mkdir(parents=True)
    package = {"name": "@odatis-vre/demo-extension", "version": version, "jupyterlab": {"extension": True}}
    (ext / "package.json").write_text(json.dumps(package))
    # A library package beside it is no JupyterLab extension: it is left out.
    (tmp_path / "extensions" / "not-an-extension").mkdir()
    (tmp_path / "extensions" / "not-an-extension" / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    if built is not None:
        (ext / "dist" / "static").mkdir(parents=True)
        (ext / "dist" / "package.json").write_text(json.dumps({**package, "version": built}))
        (ext / "dist" / "static" / "remoteEntry.abc.js").write_text("// federated entry\n")
    return tmp_path


def build(root: Path, targets: tuple[str, ...] = ("--wheel",)) -> subprocess.CompletedProcess:
    """`python -m build`; without targets it builds the sdist, then the wheel from the sdist."""
    return subprocess.run(
        [sys.executable, "-m", "build", *targets, "--no-isolation", "--outdir", str(root / "out"), str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_wheel_carries_each_prebuilt_extension_with_its_install_json(tmp_path):
    result = build(project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = (tmp_path / "out").glob("odatis_vre-1.2.3-py3-none-any.whl")
    data = "odatis_vre-1.2.3.data/data"
    lab = f"{data}/share/jupyter/labextensions/@odatis-vre/demo-extension"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        install = json.loads(archive.read(f"{lab}/install.json"))
        server_config = json.loads(archive.read(f"{data}/etc/jupyter/jupyter_server_config.d/odatis_vre.json"))
    assert {f"{lab}/package.json", f"{lab}/static/remoteEntry.abc.js", "odatis_vre/readonly.py"} <= names
    assert not any("not-an-extension" in name or "/x/" in name for name in names)
    assert install == {
        "packageManager": "python",
        "packageName": "odatis-vre",
        "uninstallInstructions": "Use your Python package manager (pip, conda, etc.) to uninstall the package odatis-vre",
    }
    assert server_config == {"ServerApp": {"jpserver_extensions": {"odatis_vre": True}}}


def test_the_sdist_carries_the_built_extensions_that_git_ignores(tmp_path):
    root = project(tmp_path)
    shutil.copy(REPO / ".gitignore", root)  # dist/ is ignored, as in the repository
    result = build(root, targets=())
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list((root / "out").glob("odatis_vre-1.2.3-py3-none-any.whl"))) == 1


def test_a_missing_prebuilt_extension_stops_the_build_with_what_to_run(tmp_path):
    result = build(project(tmp_path, built=None))
    assert result.returncode != 0
    assert "The prebuilt extension @odatis-vre/demo-extension is missing" in result.stdout + result.stderr
    assert "npm run build:python" in result.stdout + result.stderr


def test_a_stale_prebuilt_extension_stops_the_build(tmp_path):
    result = build(project(tmp_path, version="1.2.4", built="1.2.3"))
    assert result.returncode != 0
    assert "is version 1.2.3, its package.json says 1.2.4" in result.stdout + result.stderr


@pytest.fixture(autouse=True)
def _build_tools():
    for module in ("build", "hatchling"):
        try:
            __import__(module)
        except ImportError:
            pytest.fail(f"The Python package {module} is needed to build the wheel (pip install build hatchling).")
