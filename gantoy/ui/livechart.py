"""A plotly chart that updates in place: for the charts redrawn while training.

``st.plotly_chart`` remounts its chart whenever the figure's data change (upstream streamlit#16052), so
a chart redrawn several times a second is white for part of every redraw (measured: blank in 15 of 20
screenshots while training, bench/live_loop.py). ``live_chart`` is a small Streamlit component
(components v2, mounted in the page, no build step: ``livechart.js``) that keeps its plot div and calls
``Plotly.react`` with each new figure, dropping figures that arrive while the last one is still drawing.

plotly.js (and the chart template) come from the installed plotly package: copied once into a cache
folder that a components-v1 declaration serves (``/component/<name>/<file>``), so the chart works
offline, loads plotly.js once per page, and matches the plotly version that built the figure.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from importlib import resources

import plotly
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1

from gantoy.ui import style

_HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = "plotly_white"   # the live charts' look (st.plotly_chart's Streamlit theme is not available here)


def _asset_dir() -> str:
    """A cache folder with plotly.min.js and template.json, keyed by the plotly version (files written
    atomically, so two servers starting at once never serve half a file). It is the user's own cache
    (XDG_CACHE_HOME or ~/.cache), not a shared /tmp path another user could fill with their own script;
    where that is not writable, a fresh private temporary folder."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    root = os.path.join(cache, "gantoy", f"livechart-{plotly.__version__}-{TEMPLATE}")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        root = tempfile.mkdtemp(prefix="gantoy-livechart-")
    for name, write in (("plotly.min.js", _copy_plotly_js), ("template.json", _write_template)):
        path = os.path.join(root, name)
        if not os.path.exists(path):
            tmp = f"{path}.{os.getpid()}.tmp"
            write(tmp)
            os.replace(tmp, path)
    return root


def _copy_plotly_js(dst):
    with resources.as_file(resources.files("plotly") / "package_data" / "plotly.min.js") as src:
        shutil.copyfile(src, dst)


def _write_template(dst):
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(pio.templates[TEMPLATE].to_plotly_json(), f, cls=plotly.utils.PlotlyJSONEncoder)


# v1 declaration only to serve the asset folder; the chart itself is the v2 component below
_assets = components_v1.declare_component("live_chart_assets", path=_asset_dir())
with open(os.path.join(_HERE, "livechart.js"), encoding="utf-8") as _f:
    _JS = _f.read()
# Streamlit fades an element while its fragment reruns ("stale"); a live chart is rerun several times a
# second, so it would flicker between faded and not. It is never stale for longer than one frame.
# (inline CSS must span lines: Streamlit takes a one-line string with "[" for a file glob)
_CSS = """
.stElementContainer:has(.gantoy-live-chart)[data-stale="true"] {
  opacity: 1 !important; transition: none !important;
}
"""
_component = st.components.v2.component("gantoy.live_chart", js=_JS, css=_CSS, isolate_styles=False)


def _asset_url(name: str) -> str:
    base = st.get_option("server.baseUrlPath").strip("/")
    return "/" + "/".join(p for p in (base, "component", _assets.name, name) if p)


def live_chart(fig, key: str, height: int | None = None, container=None):
    """Draw ``fig`` in a chart that updates in place; ``key`` keeps the same chart across reruns;
    ``container`` (a column, say) is where it goes (default: here)."""
    spec = pio.to_json(style.fig(fig), validate=False)
    h = int(height or fig.layout.height or 450)
    data = {"spec": spec, "height": h,
            "frame": hashlib.sha1(f"{h}:{spec}".encode()).hexdigest()[:12],  # the chart skips a frame it has drawn
            "plotly_url": _asset_url("plotly.min.js"), "template_url": _asset_url("template.json")}
    if container is None:
        return _component(data=data, key=key)
    with container:
        return _component(data=data, key=key)
