"""A link to this page with some query parameters, shown to copy: the share link and Make a lesson link."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st


def show(params: dict, note: str):
    """This page's URL with ``params`` (str or list of str values) as a markdown link, and ``note`` under it."""
    url = (st.context.url or "").split("?")[0] + "?" + urlencode(params, doseq=True)
    # a link, not st.code: st.code's syntax highlighter takes the browser's main thread for a long while
    # on every page load (bench/BENCHMARKS.md, "First visit"), and every lab shows this link
    st.markdown(f"[`{url}`]({url})")
    st.caption(note)
