"""What a non-editable install ships: every sample_repo file (for `nbteam demo`) and the TUI's stylesheet."""
from __future__ import annotations

import configparser

from helpers import ROOT


def _setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg


def test_every_sample_repo_file_is_installed():
    shipped = {f.strip() for value in _setup_cfg()["options.data_files"].values() for f in value.split(",") if f.strip()}
    present = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sample_repo").rglob("*") if p.is_file()}
    assert present <= shipped, f"add to [options.data_files]: {sorted(present - shipped)}"


def test_stylesheets_ship_as_package_data():
    data = _setup_cfg()["options.package_data"]
    for css in (ROOT / "nbteam").rglob("*.tcss"):
        package = ".".join(css.parent.relative_to(ROOT).parts)
        assert package in data and "*.tcss" in data[package], f"{css} is not package data"


def test_the_jupyter_server_extension_is_enabled_where_it_is_installed():
    """The config file enabling nbteam.workcopy.jupyter goes to <prefix>/etc/jupyter/jupyter_server_config.d."""
    import json

    files = _setup_cfg()["options.data_files"]
    assert files.get("etc/jupyter/jupyter_server_config.d", "").strip() == "jupyter-config/nbteam.json"
    config = json.loads((ROOT / "jupyter-config" / "nbteam.json").read_text())
    assert config == {"ServerApp": {"jpserver_extensions": {"nbteam.workcopy.jupyter": True}}}
