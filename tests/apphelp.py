"""Shared AppTest helper: open the app, optionally with URL query parameters, and switch to a page."""
from streamlit.testing.v1 import AppTest

APP = "../app.py"   # relative to this file


def open_page(page=None, params=None, timeout=180):
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def run_until_stopped(at, lab, frames=400):
    """Rerun the page (its fragment trains or solves a slice per run) until the lab stops, without an exception."""
    for _ in range(frames):
        if not lab.running:
            break
        at.run()
    assert not lab.running and not at.exception


def charts(at) -> list:
    """Every chart on the page as a plotly figure dict: st.plotly_chart and gantoy's live charts
    (gantoy.ui.livechart, a components-v2 element whose data carry the figure's JSON)."""
    import json

    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for c in at.get("bidi_component"):
        data = json.loads(c.proto.json or "{}")
        if "spec" in data:
            figs.append(json.loads(data["spec"]))
    return figs


def trace_names(fig) -> set:
    return {t.get("name") for t in fig.get("data", [])}


def share_link(at) -> str:
    """The URL in the page's "Share this lesson" expander (a markdown link)."""
    import re

    for md in at.markdown:
        m = re.fullmatch(r"\[`(.*)`\]\((.*)\)", md.value)
        if m and m.group(1) == m.group(2):
            return m.group(2)
    raise AssertionError("no share link on the page")


def values(v):
    """A trace's x or y as a float array: plotly's JSON holds numpy arrays as typed arrays (dtype + base64
    bdata), plain lists otherwise (None for a gap)."""
    import base64

    import numpy as np

    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).astype(float)
    return np.array([np.nan if x is None else x for x in v], dtype=float)
