"""The live chart's served assets (plotly.js from the installed plotly, the template) and its URLs."""
import json
import os
from importlib import resources

import plotly.io as pio
import streamlit as st

from gantoy.ui import livechart


def test_assets_are_plotly_js_and_the_template():
    root = livechart._asset_dir()
    with resources.as_file(resources.files("plotly") / "package_data" / "plotly.min.js") as src:
        assert os.path.getsize(os.path.join(root, "plotly.min.js")) == os.path.getsize(src)
    with open(os.path.join(root, "template.json"), encoding="utf-8") as f:
        template = json.load(f)
    assert template["layout"]["plot_bgcolor"] == pio.templates[livechart.TEMPLATE].layout.plot_bgcolor
    assert livechart._asset_dir() == root  # cached, not rewritten


def test_asset_urls_follow_the_base_url_path(monkeypatch):
    name = livechart._assets.name
    assert livechart._asset_url("plotly.min.js") == f"/component/{name}/plotly.min.js"
    # a class server behind a proxy path (server.baseUrlPath can only be set at start-up)
    monkeypatch.setattr(st, "get_option", lambda key: {"server.baseUrlPath": "/class/gantoy/"}[key])
    assert livechart._asset_url("template.json") == f"/class/gantoy/component/{name}/template.json"


def test_assets_live_in_the_users_cache_or_a_private_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = livechart._asset_dir()
    assert root.startswith(str(tmp_path / "cache" / "gantoy"))
    assert os.path.getsize(os.path.join(root, "plotly.min.js")) > 1_000_000
    # a cache that cannot be written: a private temporary folder instead (mode 0700)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = livechart._asset_dir()
    assert "gantoy-livechart-" in root and (os.stat(root).st_mode & 0o077) == 0
    assert os.path.exists(os.path.join(root, "template.json"))
