"""ODATIS VRE for a stock JupyterLab: the prebuilt extensions (installed as shared data by the wheel)
and the Jupyter server extension that carries the deployment's settings.

The server extension is one module per concern, wired together by :mod:`odatis_vre.app`:

- :mod:`odatis_vre.deployment` — where the shared data, its harmonised dataset and the examples live,
  published to the frontend (page config) and over REST;
- :mod:`odatis_vre.readonly` — the contents-manager guard that keeps the shared folder read-only.
- :mod:`odatis_vre.proxy` — the data browser's allow-listed proxy to the ODATIS catalogues.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("odatis-vre")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0.0.0+unknown"


def _jupyter_server_extension_points():
    """Jupyter server finds the extension here (enabled by etc/jupyter/jupyter_server_config.d)."""
    from .app import OdatisVreApp

    return [{"module": "odatis_vre", "app": OdatisVreApp}]
