"""Hatchling build hook: puts every prebuilt extension of extensions/*/ into the wheel's shared data,
at share/jupyter/labextensions/<npm name>/ with its install.json, where JupyterLab finds it.

The extensions are built by node (`npm run build:python` builds them, then the wheel); this hook
only collects them, and stops the build with what to run when one is missing or older than its
package.json version.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LABEXTENSIONS = "share/jupyter/labextensions"


def prebuilt_extensions(root: Path) -> list[tuple[str, Path]]:
    """(npm name, output folder) of each JupyterLab extension package under extensions/."""
    found = []
    for package_json in sorted((root / "extensions").glob("*/package.json")):
        package = json.loads(package_json.read_text(encoding="utf-8"))
        lab = package.get("jupyterlab") or {}
        if lab.get("extension") or lab.get("mimeExtension"):
            found.append((package["name"], package_json.parent / lab.get("outputDir", "dist")))
    return found


class PrebuiltExtensionsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        # install.json tells `jupyter labextension list` which Python package brought the extension.
        self._install_dir = Path(tempfile.mkdtemp(prefix="odatis-vre-install-json-"))
        install = {
            "packageManager": "python",
            "packageName": self.metadata.name,
            "uninstallInstructions": f"Use your Python package manager (pip, conda, etc.) to uninstall the package {self.metadata.name}",
        }
        extensions = prebuilt_extensions(root)
        if not extensions:
            raise RuntimeError(f"No JupyterLab extension package was found under {root / 'extensions'}.")
        for name, dist in extensions:
            built = dist / "package.json"
            if not built.is_file():
                raise RuntimeError(
                    f"The prebuilt extension {name} is missing ({built} does not exist). "
                    "Build the extensions first: `npm run build:python` (or `npm run build`)."
                )
            source_version = json.loads((dist.parent / "package.json").read_text())["version"]
            built_version = json.loads(built.read_text())["version"]
            if built_version != source_version:
                raise RuntimeError(
                    f"The prebuilt extension {name} in {dist} is version {built_version}, its "
                    f"package.json says {source_version}: rebuild it with `npm run build:python`."
                )
            target = f"{LABEXTENSIONS}/{name}"
            install_json = self._install_dir / name / "install.json"
            install_json.parent.mkdir(parents=True)
            install_json.write_text(json.dumps(install, indent=2) + "\n", encoding="utf-8")
            build_data["shared_data"][str(dist)] = target
            build_data["shared_data"][str(install_json)] = f"{target}/install.json"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if getattr(self, "_install_dir", None):
            shutil.rmtree(self._install_dir, ignore_errors=True)
