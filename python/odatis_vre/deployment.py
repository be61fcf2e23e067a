"""The deployment's settings: where the shared data, its harmonised dataset and the workshop's
examples live, and which folders are read-only.

A deployment sets them once, on the server (`c.OdatisVreApp.shared_data_dir = "data/odatis"`), and
every piece follows: the read-only guard, the frontend extensions (through the page config, under
:data:`PAGE_CONFIG_KEY`, read as their settings' defaults) and any client of the REST endpoint
`GET {base_url}odatis-vre/api/deployment` (kernels, the data browser, scripts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jupyter_server.base.handlers import APIHandler
from tornado import web

#: The key of the page config (`PageConfig.getOption('odatisVre')`) that carries the settings.
PAGE_CONFIG_KEY = "odatisVre"

#: URL of the REST endpoint, under the server's base URL.
ENDPOINT = "odatis-vre/api/deployment"

#: URL of the shared files with range requests (odatis_vre.files.ENDPOINT), under the server's base URL.
DATA_FILES_ENDPOINT = "odatis-vre/files"


@dataclass(frozen=True)
class Deployment:
    """Paths are contents API paths: relative to the server root, `/`-separated."""

    version: str
    shared_data_dir: str
    harmonised_dir: str
    examples_dir: str
    read_only_folders: tuple[str, ...]

    def to_json(self) -> dict:
        """The settings as the frontend and REST clients see them (camelCase, like JupyterLab's)."""
        return {
            "version": self.version,
            "sharedDataPath": self.shared_data_dir,
            "harmonisedPath": self.harmonised_dir,
            "examplesPath": self.examples_dir,
            "readOnlyPaths": list(self.read_only_folders),
            # The shared folder's files by URL with range requests (odatis_vre.files): the browser's query
            # engine reads the harmonised database file there, in place.
            "dataFilesUrl": DATA_FILES_ENDPOINT,
        }


def publish(web_app_settings: dict, deployment: Deployment) -> None:
    """Adds the settings to the page config that JupyterLab renders into every page."""
    page_config = web_app_settings.setdefault("page_config_data", {})
    page_config[PAGE_CONFIG_KEY] = deployment.to_json()


class DeploymentHandler(APIHandler):
    """`GET` → the deployment's settings as JSON (authenticated, like every server API)."""

    def initialize(self, deployment: Deployment) -> None:
        self.deployment = deployment

    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.deployment.to_json()))


def handlers(deployment: Deployment) -> list[tuple]:
    return [(ENDPOINT, DeploymentHandler, {"deployment": deployment})]
