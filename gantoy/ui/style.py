"""The app's look for a classroom: a compact layout so a lab's controls, chart and key numbers fit a 1280×720
projector without scrolling, and a "large text" switch for the back row (page text and chart text)."""
from __future__ import annotations

import streamlit as st

LARGE = "ui:large"     # session key of the large-text switch (the sidebar toggle in app.py)

_COMPACT = """
[data-testid="stMainBlockContainer"] { padding-top: 3.4rem; padding-bottom: 2rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.7rem; padding: 0 0 0.15rem 0; }
[data-testid="stMetricValue"] { font-size: 1.45rem; }
[data-testid="stMetric"] { padding: 0; }
[data-testid="stMetricLabel"] * { white-space: normal !important; text-overflow: clip !important;
                                  overflow: visible !important; overflow-wrap: break-word; }
"""
_LARGE = """
html { font-size: 19px; }
[data-testid="stMetricValue"] { font-size: 1.7rem; }
"""


def apply():
    """Put the app's CSS on the page (call once per run, from app.py)."""
    st.html(f"<style>{_COMPACT}{_LARGE if large() else ''}</style>")


def large() -> bool:
    return bool(st.session_state.get(LARGE, False))


def fig(f):
    """A figure with chart text enlarged when large text is on (the page CSS does not reach plotly's SVG)."""
    if large():
        f.update_layout(font=dict(size=17), legend=dict(font=dict(size=16)))
    return f
