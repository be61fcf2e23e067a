"""The VRE's French in stock JupyterLab: the wheel ships its catalogue (domain odatis_vre) the way JupyterLab
extensions do, a `jupyterlab.locale` entry point, and jupyterlab_server serves it with a language whose
JupyterLab language pack is installed. Without one, French is not offered at all (Settings → Language lists
the installed language packs only). No French language pack can be installed here (none in the local wheel
index), so the test of that case installs a stand-in: a distribution with the same entry point and one
JupyterLab string, on the server's PYTHONPATH."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

from conftest import REPO, jupyter_lab, request
from jupyterlab_server.translation_utils import get_installed_packages_locale

CATALOGUE = REPO / "python" / "odatis_vre" / "locale" / "fr_FR" / "LC_MESSAGES" / "odatis_vre.json"
TRANSLATIONS = "/lab/api/translations"


def repository_catalogue() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def test_the_wheel_ships_the_catalogue_through_a_jupyterlab_locale_entry_point():
    ours = [ep for ep in entry_points(group="jupyterlab.locale") if ep.name == "odatis_vre"]
    assert [ep.value for ep in ours] == ["odatis_vre"]
    data, message = get_installed_packages_locale("fr_FR")
    assert message == ""
    assert data["odatis_vre"] == repository_catalogue()
    assert data["odatis_vre"]["Search datasets, e.g. phytoplankton"] == ["Chercher des jeux de données, p. ex. phytoplancton"]


def stand_in_language_pack(folder: Path) -> Path:
    """A French language pack as jupyterlab-language-pack-fr-FR installs one (a `jupyterlab.languagepack`
    entry point fr_FR to a module holding locale/fr_FR/LC_MESSAGES/jupyterlab.json), with one string."""
    module = folder / "jupyterlab_language_pack_fr_FR"
    messages = module / "locale" / "fr_FR" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (module / "__init__.py").write_text("")
    header = {"domain": "jupyterlab", "language": "fr_FR", "plural_forms": "nplurals=2; plural=(n > 1);"}
    (messages / "jupyterlab.json").write_text(json.dumps({"": header, "Settings": ["Paramètres"]}))
    dist = folder / "jupyterlab_language_pack_fr_FR-4.5.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: jupyterlab-language-pack-fr-FR\nVersion: 4.5.0\n")
    (dist / "entry_points.txt").write_text("[jupyterlab.languagepack]\nfr_FR = jupyterlab_language_pack_fr_FR\n")
    return folder


def translations(url: str, locale: str = "") -> dict:
    status, text = request(f"{url}{TRANSLATIONS}/{locale}")
    assert status == 200, text
    return json.loads(text)


def test_without_a_french_language_pack_french_is_not_offered(tmp_path):
    root, config = tmp_path / "root", tmp_path / "config"
    root.mkdir()
    config.mkdir()
    with jupyter_lab(root, config, {}) as url:
        assert list(translations(url)["data"]) == ["en"]
        french = translations(url, "fr_FR")
        assert french["data"] == {}
        assert "not installed" in french["message"]


def test_with_a_french_language_pack_the_panels_catalogue_comes_with_it(tmp_path):
    root, config = tmp_path / "root", tmp_path / "config"
    root.mkdir()
    config.mkdir()
    pack = stand_in_language_pack(tmp_path / "pack")
    with jupyter_lab(root, config, {}, env={"PYTHONPATH": str(pack)}) as url:
        offered = translations(url)["data"]
        assert sorted(offered) == ["en", "fr_FR"]
        assert offered["fr_FR"]["nativeName"].lower() == "français (france)"
        french = translations(url, "fr_FR")
        assert french["message"] == ""
        assert french["data"]["jupyterlab"]["Settings"] == ["Paramètres"]
        assert french["data"]["odatis_vre"] == repository_catalogue()
