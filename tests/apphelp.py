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
